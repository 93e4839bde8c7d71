/**
 * `solkit sim --board <id> --pty <path>`: the built firmware on an emulated board behind a
 * pseudo-terminal (simulator/pty-board.ts, socat), answering its REPL in real time as a board
 * on a USB cable would. Waits on events, never on wall-clock assertions.
 */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serialPort } from "../../../host/serial-port";

const BIN = join(__dirname, "..", "..", "..", "bin", "solkit.mjs");

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `solkit sim ARGS` as a child until stop(); its stderr so far in err(). */
function startSim(args: string[]): { err: () => string; stop: () => Promise<void> } {
  const child = spawn(process.execPath, [BIN, "sim", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  return {
    err: () => err,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await gone;
    },
  };
}

/** The pty at `path` opened as a host would; what the board says gathers in text(). */
async function openBoard(path: string): Promise<{ text: () => string; write: (s: string) => void; close: () => Promise<void> }> {
  const port = serialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  let text = "";
  port.on("data", (d: Buffer) => (text += d.toString("latin1")));
  return { text: () => text, write: (s) => void port.write(s), close: () => new Promise<void>((res) => port.close(() => res())) };
}

describe("solkit sim --pty", () => {
  it("exposes the board's console on a pty: the firmware answers its REPL", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "solkit-sim-pty-")), "ttySIM");
    const sim = startSim(["--board", "esp32-devkitc", "--pty", path, "--duration", "60s"]);
    try {
      await until(() => existsSync(path) && /Ctrl-C stops it/.test(sim.err()), 90_000);
      const port = await openBoard(path);
      port.write("\x10solkit.status()\n");
      // Wait for the status's last line, then check what it says of a fresh board.
      await until(() => /signer: .*\r?\n/.test(port.text()), 30_000);
      const text = port.text();
      expect(text).toMatch(/solkit firmware \S+, boot \d+, up \d+ s/);
      expect(text).toContain("UNPROVISIONED: no device key");
      expect(text).toContain("site: (not set)");
      expect(text).toContain("relay: open (load off)");
      expect(text).toMatch(/signer: no key/);
      await port.close();
    } finally {
      await sim.stop();
    }
    expect(sim.err()).toMatch(/esp32-devkitc running dist\/esp32-devkitc\/firmware\.js on /);
  }, 150_000);

  it("a blank NodeMCU board on a pty takes a program from solkit flash and runs it (the documented workflow)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "solkit-sim-pty-"));
    const path = join(dir, "ttyMCU");
    const sim = startSim(["--board", "nodemcu-esp32", "--pty", path, "--blank", "--duration", "60s"]);
    try {
      await until(() => existsSync(path) && /Ctrl-C stops it/.test(sim.err()), 30_000);
      expect(sim.err()).toMatch(/nodemcu-esp32 \(NodeMCU\) running nothing \(an empty flash/);
      const program = join(dir, "hello.lua");
      writeFileSync(program, `solkit = {}\nprint("hello from the flashed program")\n`);
      const flash = spawn(process.execPath, [BIN, "flash", "--board", "nodemcu-esp32", "--port", path, "--bundle", program], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      flash.stdout.on("data", (d) => (out += d));
      flash.stderr.on("data", (d) => (out += d));
      const status = await new Promise((r) => flash.once("close", r));
      expect(status, out).toBe(0);
      expect(out).toMatch(/✓ flashed \d+ bytes \(Lua source: compiled into RAM at boot\) to nodemcu-esp32 .* through the NodeMCU REPL/);
      expect(out).toMatch(/verified {2}SHA-256 [0-9a-f]{16}… computed by the board over solkit\.lua/);
      expect(out).toMatch(/running {3}solkit device program: hello from the flashed program/);
    } finally {
      await sim.stop();
    }
  }, 90_000);

  it("a NodeMCU board on a pty runs the program from its LFS image in NodeMCU's own Lua core, as solkit flash leaves it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "solkit-sim-pty-")), "ttyMCU");
    const sim = startSim(["--board", "nodemcu-esp32", "--pty", path, "--duration", "60s"]);
    try {
      await until(() => existsSync(path) && /Ctrl-C stops it/.test(sim.err()), 90_000);
      expect(sim.err()).toMatch(/nodemcu-esp32 \(NodeMCU\) running dist\/nodemcu-esp32\/firmware\.lua from LFS \(lfs\.img\) in NodeMCU's own Lua core on /);
      const port = await openBoard(path);
      port.write("print(#node.LFS.list(), node.LFS.list()[1], file.exists(\"solkit.lua\"))\n");
      await until(() => /1\tsolkit\tfalse/.test(port.text()), 30_000);
      port.write("solkit.status()\n");
      await until(() => /signer: .*\r?\n/.test(port.text()), 30_000);
      expect(port.text()).toContain("UNPROVISIONED: no device key");
      await port.close();
    } finally {
      await sim.stop();
    }
  }, 150_000);

  it("a missing folder or a path that exists is refused at once with exit 2 (issue 11)", async () => {
    const { solkit } = await import("../helpers");
    const dir = mkdtempSync(join(tmpdir(), "solkit-sim-pty-"));
    const missing = solkit(["sim", "--board", "esp32-devkitc", "--pty", join(dir, "no", "ttySIM")]);
    expect({ status: missing.status, stderr: missing.stderr.trim() }).toEqual({ status: 2, stderr: `solkit: --pty ${join(dir, "no", "ttySIM")}: the folder ${join(dir, "no")} does not exist` });
    const taken = join(dir, "ttyTAKEN");
    writeFileSync(taken, "");
    const busy = solkit(["sim", "--board", "esp32-devkitc", "--pty", taken]);
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/already exists \(another solkit sim --pty\?\)/);
    // A board with no build yet: said at once (nothing "building…"), with the way to its bare REPL.
    const unbuilt = solkit(["sim", "--board", "nodemcu-esp8266", "--pty", join(dir, "ttyNONE")]);
    expect(unbuilt.status).toBe(2);
    expect(unbuilt.stderr).toMatch(/^solkit: nodemcu-esp8266 is not buildable yet: .*--pty --blank gives its NodeMCU REPL without the program\n$/);
  });
});
