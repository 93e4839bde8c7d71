/**
 * The Node target as a Pi runs it: `solkit build --board rpi4`'s firmware.cjs in its own Node
 * process, with libgpiod's and i2c-tools' command-line tools faked at the chip (test/fixtures/
 * fake-gpiod: the same options and output formats), against a real gateway and its broker.
 * Provisioned on its console, it logs in to the broker as itself, publishes readings the
 * gateway verifies (power from the INA219's registers), takes acks from its cmd topic, closes
 * the relay on a credit token, and after a restart is the same device with the same credit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadBoard } from "../../../boards/validate";
import { nodeBundle } from "../../../toolchain/node-target";
import type { Gateway } from "../../../host/gateway/gateway";
import type { VerifiedBatch } from "../../../host/gateway/pipeline";
import { decodePublicKey } from "../../../shared/crypto/strkey";
import { encodeToken, TOKEN_ADD_CREDIT } from "../../../shared/protocol/token";
import { encodeFrameBody } from "../../../shared/protocol/frame";
import { networkGateway, tempDir, waitFor } from "../../host/gateway/helpers";

const FAKE_TOOLS = resolve(__dirname, "..", "..", "fixtures", "fake-gpiod");
const SITE = "pi-site";

class PiProcess {
  readonly out: string[] = [];
  readonly proc: ChildProcess;
  constructor(file: string, data: string, broker: string, chipDir: string) {
    this.proc = spawn(process.execPath, [file, "--data", data, "--broker", broker, "--socket", ""], {
      env: { ...process.env, PATH: `${FAKE_TOOLS}:${process.env.PATH}`, FAKE_GPIO_DIR: chipDir },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let rest = "";
    this.proc.stdout!.on("data", (d: Buffer) => {
      const lines = (rest + d.toString()).split("\n");
      rest = lines.pop()!;
      this.out.push(...lines);
    });
    this.proc.stderr!.on("data", (d: Buffer) => this.out.push(`stderr: ${d.toString().trim()}`));
  }
  type(line: string): void {
    this.proc.stdin!.write(line + "\n");
  }
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    const done = new Promise<number | null>((r) => this.proc.once("exit", (c) => r(c)));
    this.proc.kill("SIGTERM");
    return done;
  }
}

describe("the rpi4 bundle in its own Node process (fake gpiochip, real gateway)", () => {
  let dir: string;
  let file: string;
  let gw: Gateway;
  let batches: VerifiedBatch[] = [];
  const chip = () => join(dir, "chip", "gpiochip0");
  const relayLevel = () => (existsSync(join(chip(), "line17")) ? readFileSync(join(chip(), "line17"), "utf8") : "released");

  beforeAll(async () => {
    dir = tempDir("solkit-pi-");
    file = join(dir, "firmware.cjs");
    writeFileSync(file, (await nodeBundle(loadBoard("rpi4"))).code);
    mkdirSync(chip(), { recursive: true });
    mkdirSync(join(dir, "chip", "i2c-1"));
    // INA219 at 0x40: shunt 250 × 10 µV = 2.5 mV over the board's 5 mΩ = 0.5 A; bus 3000 × 4 mV = 12 V: 6 W.
    writeFileSync(join(dir, "chip", "i2c-1", "40-1"), "00fa");
    writeFileSync(join(dir, "chip", "i2c-1", "40-2"), (3000 << 3).toString(16).padStart(4, "0"));
    const started = await networkGateway(dir, SITE);
    gw = started.gw;
    batches = started.batches;
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("provisions on its console, reports verified readings over MQTT, takes credit, and keeps it across a restart", async () => {
    const data = join(dir, "data");
    const pi = new PiProcess(file, data, gw.brokerUrl!, join(dir, "chip"));
    try {
      await waitFor(() => pi.out.some((l) => l.includes("UNPROVISIONED")), "the boot line");
      await waitFor(() => relayLevel() === "0", "the relay driven off"); // fail closed, before anything else

      pi.type("provision-key"); // the Pi's RNG is trusted (board file): no host entropy needed
      const idLine = () => pi.out.map((l) => /^provisioned: device (G[A-Z2-7]{55})$/.exec(l)).find((m) => m !== null);
      await waitFor(() => idLine() !== undefined, "the device id");
      const id = idLine()![1];
      const hmacKey = new Uint8Array(randomBytes(32));
      gw.registry.add({ id, hmacKey, board: "rpi4", name: "pi" });
      pi.type(`host-key ${Buffer.from(hmacKey).toString("hex")}`);
      pi.type(`site ${SITE}`);
      pi.type("config 1 1"); // a reading a second, each signed
      await waitFor(() => pi.out.some((l) => l.includes("link: logged in")), "the MQTT login", 20_000);

      const verified = () => batches.filter((b) => b.device === id).flatMap((b) => b.readings.map((r) => r.reading));
      await waitFor(() => verified().length >= 4, "four verified readings", 20_000);
      const r = verified();
      // 12 V × 0.5 A from the registers = 6 W, averaged over each interval on the wall clock (so
      // within a percent); the first may take in the moment before the sensor's first answer.
      for (const x of r.slice(1)) expect(Math.abs(x.power - 6000)).toBeLessThanOrEqual(60);
      expect(r.map((x) => x.seq)).toEqual([...r.map((x) => x.seq)].sort((a, b) => a - b));
      let asked = 0;
      await waitFor(() => {
        if (Date.now() - asked > 500) {
          pi.type("status");
          asked = Date.now();
        }
        return pi.out.some((l) => /^last ack: seq \d+/.test(l));
      }, "an ack over the cmd topic");
      expect(relayLevel()).toBe("0"); // no credit yet
      // The link looks up the login every 5 s: readings keep coming past its next checks (it once
      // read the identity as none at its second look and logged out for good).
      const sofar = verified().length;
      await waitFor(() => verified().length >= sofar + 12, "readings still verified twelve seconds on", 30_000);

      const token = encodeToken({ tokenKind: TOKEN_ADD_CREDIT, deviceId: decodePublicKey(id), counter: 1, amount: 3600, config: [] }, hmacKey);
      pi.type(`\x10solkit.rx("${encodeFrameBody(token)}")`);
      await waitFor(() => relayLevel() === "1", "the relay closed by the credit token");
      expect(await pi.stop()).toBe(0);
      expect(relayLevel()).toBe("released"); // the line went back to its default with the process

      const lastSeq = verified().at(-1)!.seq;
      const again = new PiProcess(file, data, gw.brokerUrl!, join(dir, "chip"));
      try {
        await waitFor(() => relayLevel() === "1", "the relay closed again from stored credit", 20_000);
        expect(again.out.some((l) => l.includes("boot 2: device ready"))).toBe(true);
        await waitFor(() => verified().some((x) => x.seq > lastSeq && x.boot === 2), "a reading of boot 2", 20_000);
      } finally {
        await again.stop();
      }
    } finally {
      await pi.stop();
    }
  }, 90_000);
});
