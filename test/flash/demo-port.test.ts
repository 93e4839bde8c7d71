/**
 * `solkit demo --port` (issue 13): the simulated board swapped for a board on a serial port
 * (the built firmware on a pty board, provisioned into the host's registry). The gateway reads
 * it, the teller enrols it on autopay and its credit token closes the relay over the same
 * (locked) console, and the dashboard shows it; SIGTERM stops everything.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Rig, buildEsp32, tempDir } from "./helpers";

const BAUD = 921_600;
const BIN = join(__dirname, "..", "..", "bin", "solkit.mjs");
let firmware = "";
const rig = new Rig();
beforeAll(async () => {
  firmware = await buildEsp32();
}, 120_000);
afterEach(() => rig.cleanup());

describe("solkit demo --port", () => {
  it("a provisioned board on a port: verified readings, enrolled on autopay, the relay closes, the dashboard shows it", async () => {
    const b = await rig.board({ firmware });
    const dir = tempDir("solkit-demo-port-");
    const config = join(dir, "host.json");
    writeFileSync(config, JSON.stringify({ database: join(dir, "gateway.db") }));
    const port = ["--port", b.path, "--baud", String(BAUD)];
    const prov = await rig.run(["provision", "--board", "esp32-devkitc", ...port, "--site", "local", "-c", config]);
    expect(prov.status, prov.stderr).toBe(0);
    b.emu.runCode("solkit.setConfig(2, 1)"); // a reading every 2 s, each signed
    b.emu.pulse("D25", 2000, 400_000, { at: b.emu.now + 10, activeLow: true, widthMs: 20 });
    expect(b.emu.pinLevel("D26")).toBe(0); // no credit yet: relay open

    const p = spawn(process.execPath, [BIN, "demo", ...port, "-c", config, "--http-port", "0"], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (c: Buffer) => (out += c.toString()));
    p.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
    try {
      const until = async (re: RegExp, what: string, ms = 30_000) => {
        const t0 = Date.now();
        while (!re.test(out)) {
          if (Date.now() - t0 > ms) throw new Error(`no ${what} within ${ms} ms:\n${out}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await until(/dashboard: http:\/\/\S+/, "dashboard URL");
      await until(/read\s+seq \d+\.\.\d+ ✓/, "verified readings");
      await until(/relay closed: the load has power/, "the relay closing on the enrolment token");
      expect(b.emu.pinLevel("D26")).toBe(1);
      const url = /dashboard: (http:\/\/\S+)/.exec(out)![1];
      const state = (await (await fetch(`${url}api/state`)).json()) as { devices: { id: string; relay: number; teller: { next: string } }[] };
      expect(state.devices[0]).toMatchObject({ relay: 1, teller: { next: expect.stringMatching(/bill .* at its end/) } });
      p.kill("SIGTERM");
      expect(await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 10_000))])).toBe(0);
    } finally {
      p.kill("SIGKILL");
    }
  }, 120_000);

  it("a board never provisioned into this registry is refused with the next step", async () => {
    const b = await rig.board({ firmware });
    const dir = tempDir("solkit-demo-port-");
    const config = join(dir, "host.json");
    writeFileSync(config, JSON.stringify({ database: join(dir, "gateway.db") }));
    const r = await rig.run(["demo", "--port", b.path, "--baud", String(BAUD), "-c", config]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no key yet: provision it first \(solkit provision --port/);
  }, 60_000);
});
