/**
 * The local device of `solkit host` (config "localDevice"): the Node target's bundle as a child
 * process on the gateway's machine — a Pi that is both meter and gateway — kept running as
 * systemd would keep it (started again 2 s after it ends), its log lines in the gateway's log.
 * The gateway provisions it itself over the child's stdin, as `solkit provision` does over USB:
 * the device makes its key (the Pi's RNG is trusted), the gateway makes its HMAC key, registers
 * both and gives the device the HMAC key, the site and the reading schedule. The device then
 * logs in to the gateway's own broker as itself, like any device on Wi-Fi: nothing is trusted
 * for being local. A device whose key the registry does not know is reported, never re-keyed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { LocalDeviceConfig } from "./config";
import type { Logger } from "./log";
import type { Registry } from "./registry";

export interface LocalDeviceOptions {
  cfg: LocalDeviceConfig;
  /** dist/<board>/firmware.cjs. */
  bundle: string;
  brokerUrl: string;
  site: string;
  registry: Registry;
  logger: Logger;
  /** The child's environment (a test puts fake GPIO tools on PATH). */
  env?: NodeJS.ProcessEnv;
  restartMs?: number;
}

/** What one `status` answer says (firmware/console.ts statusText). */
interface Status {
  id: string | undefined;
  hasKey: boolean;
  hasHostKey: boolean;
}

function parseStatus(lines: string[]): Status {
  const id = lines.map((l) => /^id: (G[A-Z2-7]{55})$/.exec(l)).find((m) => m !== null)?.[1];
  return { id, hasKey: id !== undefined, hasHostKey: !lines.some((l) => l.startsWith("UNPROVISIONED: no host key")) };
}

export class LocalDevice {
  /** The device's id once known. */
  id: string | undefined = undefined;
  private proc: ChildProcess | undefined = undefined;
  private stopping = false;
  private status: string[] | undefined = undefined;
  private readonly log: (level: "info" | "warn" | "error", text: string) => void;

  constructor(private readonly o: LocalDeviceOptions) {
    this.log = (level, text) => o.logger.log(level, "local-device", text);
  }

  start(): void {
    if (this.stopping) return;
    mkdirSync(this.o.cfg.data, { recursive: true, mode: 0o700 });
    const args = [this.o.bundle, "--data", this.o.cfg.data, "--broker", this.o.brokerUrl, "--socket", join(this.o.cfg.data, "console.sock")];
    const proc = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"], env: this.o.env ?? process.env });
    this.proc = proc;
    let rest = "";
    proc.stdout!.on("data", (d: Buffer) => {
      const lines = (rest + d.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) this.line(l);
    });
    proc.stderr!.on("data", (d: Buffer) => this.log("warn", d.toString().trim().slice(0, 300)));
    proc.stdin!.on("error", () => {}); // a child that died mid-write: its exit says so
    proc.on("exit", (code, signal) => {
      this.proc = undefined;
      if (this.stopping) return;
      this.log("warn", `device program ended (${signal ?? `exit ${code}`}); starting it again in ${(this.o.restartMs ?? 2000) / 1000} s`);
      setTimeout(() => this.start(), this.o.restartMs ?? 2000);
    });
  }

  private type(line: string): void {
    this.proc?.stdin?.write(line + "\n");
  }

  private line(l: string): void {
    if (this.status !== undefined) {
      this.status.push(l);
      if (l.startsWith("console: ")) {
        const s = parseStatus(this.status);
        this.status = undefined;
        this.provision(s);
      }
      return;
    }
    if (/^solkit \S+ boot \d+: /.test(l) || /^provisioned: device G/.test(l)) {
      this.log("info", l);
      this.askStatus();
      return;
    }
    if (!l.startsWith("@SK1:")) this.log("info", l); // frames go to the broker, not the log
  }

  private askStatus(): void {
    this.status = [];
    this.type("status");
  }

  /** One step toward a provisioned, registered device; each step ends by asking the status again. */
  private provision(s: Status): void {
    const c = this.o.cfg;
    if (!s.hasKey) {
      this.log("info", "unprovisioned: the device makes its key");
      this.type("provision-key"); // "provisioned: device G…" follows, then the status again
      return;
    }
    this.id = s.id!;
    const known = this.o.registry.get(this.id);
    if (!s.hasHostKey) {
      let key = known?.hmacKey;
      if (key === undefined) {
        key = new Uint8Array(randomBytes(32));
        this.o.registry.add({ id: this.id, hmacKey: key, board: c.board, name: "local device" });
      }
      this.type(`host-key ${Buffer.from(key).toString("hex")}`);
      key.fill(0);
      this.type(`site ${this.o.site}`);
      this.type(`config ${c.intervalS} ${c.signEvery}`);
      this.log("info", `provisioned and registered ${this.id} (site ${this.o.site}, a reading every ${c.intervalS} s)`);
      this.askStatus();
      return;
    }
    if (known === undefined) {
      this.log("error", `the local device ${this.id} has a host key the registry does not know (another gateway's database?): its readings will be refused; erase ${c.data} to provision it afresh`);
      return;
    }
    this.log("info", `local device ${this.id} running`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const p = this.proc;
    if (p === undefined) return;
    const done = new Promise<void>((r) => p.once("exit", () => r()));
    p.kill("SIGTERM"); // the program releases its GPIO lines: the relay goes off
    const t = setTimeout(() => p.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
  }
}
