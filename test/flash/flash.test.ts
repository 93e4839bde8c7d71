/**
 * `solkit flash` against emulated boards on real pseudo-terminals: the new bundle runs after
 * the restart (as heatshrink-compressed binary packets; a byte changed in a packet is caught by
 * the hash read back and the file goes again as checked chunks), a flash cut half way leaves a board that a second flash repairs, a byte
 * changed on the wire is refused by the chunk check and sent again, a flash cell that did not
 * program is caught by the hash read back, provisioning data survives (and goes with --erase).
 * No assertion depends on how fast this machine is.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { flashBoard } from "../../flash/flash-board";
import { Rig, buildEsp32, esp32, smallBundle, tempDir, waitFor } from "./helpers";

const BAUD = 921_600;
let firmware = "";
const rig = new Rig();

beforeAll(async () => {
  firmware = await buildEsp32();
}, 120_000);
afterEach(() => rig.cleanup());

function stored(b: { emu: { storage: { read(n: string): Uint8Array | undefined } } }): string | undefined {
  const f = b.emu.storage.read(".bootcde");
  return f === undefined ? undefined : Buffer.from(f).toString("latin1");
}

describe("solkit flash on a pty board", () => {
  it("flashes the firmware, verifies it, restarts, and the device program runs", async () => {
    const b = await rig.board();
    const r = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: firmware });
    expect(r.check).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.method).toBe("packets+heatshrink");
    expect(r.companions).toEqual([{ name: "ed25519.tbl", bytes: 24576, sent: true }]); // a blank board: the table first
    expect(r.fallback).toBeUndefined();
    expect(stored(b)).toBe(firmware);
    expect(r.boot.ok).toBe(true);
    expect(r.boot.solkit).toBe(true);
    expect(r.boot.lines.join("\n")).toMatch(/solkit .* boot \d+: UNPROVISIONED/);
    expect(b.emu.resets.map((x) => x.reason)).toEqual(["power-on", "reset()", "load()"]);
    // And a power cycle runs it from flash too.
    b.emu.powerOff();
    b.emu.powerOn();
    expect(b.emu.runCode("typeof solkit").value).toBe("object");
  });

  it("a flash cut half way leaves a broken .bootcde; flashing again repairs it", async () => {
    const b = await rig.board();
    const first = smallBundle("v1", 40_000);
    const cut = new AbortController();
    await expect(
      flashBoard({ path: b.path, baud: BAUD, board: esp32, code: first, method: "repl", chunkBytes: 1024, signal: cut.signal, onProgress: (p) => (p.done > p.total / 2 ? cut.abort() : undefined) }),
    ).rejects.toMatchObject({ code: "E_ABORTED" });
    const half = stored(b)!;
    expect(half.length).toBe(first.length); // created at full size, only partly written
    expect(half).not.toBe(first);
    let printed = "";
    b.emu.onConsoleOutput((t) => (printed += t));
    b.emu.powerOff();
    b.emu.powerOn(); // the half-written file is 0xff past the cut: it does not run
    expect(printed).toMatch(/Uncaught/);
    const second = smallBundle("v2", 40_000);
    const r = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: second });
    expect(stored(b)).toBe(second);
    expect(r.boot.ok).toBe(true);
    expect(r.boot.lines.join("\n")).toContain("bundle v2 running");
  });

  it("a byte changed on the wire is refused by the chunk check and the chunk sent again", async () => {
    const b = await rig.board();
    let writes = 0;
    let corrupted = false;
    b.hostFilter = (data) => {
      const text = Buffer.from(data).toString("latin1");
      if (text.includes("__skw(")) writes++;
      if (!corrupted && writes >= 2) {
        const i = text.search(/[A-Za-z0-9+/]{20}/); // inside a chunk's base64
        if (i >= 0) {
          corrupted = true;
          const out = Uint8Array.from(data);
          out[i + 10] = out[i + 10] === 0x41 ? 0x42 : 0x41;
          return out;
        }
      }
      return data;
    };
    const code = smallBundle("noisy", 30_000);
    const r = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code, method: "repl", chunkBytes: 2048 });
    expect(r.method).toBe("repl");
    expect(corrupted).toBe(true);
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect(r.failures[0].why).toMatch(/^bad [0-9a-f]+$/); // the board's check disagreed
    expect(stored(b)).toBe(code);
  });

  it("a byte changed inside a binary packet is caught by the hash read back; the file goes again as checked chunks", async () => {
    const b = await rig.board();
    let corrupted = false;
    let untilFlip = -1;
    let bundleOpened = false;
    b.hostFilter = (data) => {
      // The first DATA packet (DLE SOH, type 0x8000) of .bootcde (the base-point table goes
      // before it): flip its 200th payload byte.
      if (corrupted) return data;
      if (!bundleOpened) {
        bundleOpened = Buffer.from(data).includes('"fn":".bootcde"');
        return data;
      }
      const out = Uint8Array.from(data);
      let i = 0;
      if (untilFlip < 0) {
        const at = Buffer.from(data).indexOf(Buffer.from([0x10, 0x01]));
        if (at < 0 || at + 2 >= data.length || (data[at + 2] & 0xe0) !== 0x80) return data;
        untilFlip = 200;
        i = at + 4;
      }
      for (; i < out.length; i++) {
        if (--untilFlip === 0) {
          out[i] ^= 0x5a;
          corrupted = true;
          break;
        }
      }
      return out;
    };
    const r = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: firmware });
    expect(corrupted).toBe(true);
    expect(r.companions).toEqual([{ name: "ed25519.tbl", bytes: 24576, sent: true }]);
    expect(r.method).toBe("repl");
    expect(r.fallback).toMatch(/hashes to sha256:.*expected sha256:/);
    expect(stored(b)).toBe(firmware);
    expect(r.boot.solkit).toBe(true);
  });

  it("a flash cell that did not program is caught by the hash read back", async () => {
    const b = await rig.board();
    const code = smallBundle("cell", 20_000);
    const marker = Buffer.from(code.slice(5000, 5064), "latin1");
    const flip = () => {
      const f = b.emu.flash;
      let at = Buffer.from(f.image()).indexOf(marker);
      expect(at).toBeGreaterThan(0);
      while ((f.byteAt(at) & 1) === 0) at++;
      f.program(at, Uint8Array.of(f.byteAt(at) & 0xfe)); // a bit stuck at 0, as a worn cell does
    };
    await expect(
      flashBoard({ path: b.path, baud: BAUD, board: esp32, code, onProgress: (p) => (p.done === p.total ? flip() : undefined) }),
    ).rejects.toMatchObject({ code: "E_VERIFY" });
  });

  it("keeps the device's provisioning files; --erase removes them", async () => {
    const b = await rig.board({ firmware });
    const id = b.emu.runCode("solkit.provisionKey(false, '3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c')").value as string;
    const before = b.emu.storage.list().filter((f) => f.startsWith("sk."));
    expect(before.length).toBeGreaterThan(0);
    // The board already holds the right base-point table: a reflash sends the bundle alone,
    // and the very same bundle not even that (its hash read back is equal): only the restart.
    const kept = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: firmware });
    expect(kept.companions).toEqual([{ name: "ed25519.tbl", bytes: 24576, sent: false }]);
    expect(kept.method).toBe("unchanged");
    expect(kept.boot.solkit).toBe(true);
    const rebuilt = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: `${firmware}\n// rebuilt\n` });
    expect(rebuilt.method).toBe("packets+heatshrink");
    expect(rebuilt.companions[0].sent).toBe(false);
    expect(stored(b)).toBe(`${firmware}\n// rebuilt\n`);
    expect(b.emu.storage.list().filter((f) => f.startsWith("sk."))).toEqual(expect.arrayContaining(before));
    expect(b.emu.runCode("solkit.cmd('status')").value).toContain(`id: ${id}`);
    const table = Uint8Array.from(b.emu.storage.read("ed25519.tbl")!);
    b.emu.storage.write("ed25519.tbl", new Uint8Array(24576)); // damaged: its hash differs, so it goes again
    const r = await flashBoard({ path: b.path, baud: BAUD, board: esp32, code: firmware, erase: true });
    expect(r.companions).toEqual([{ name: "ed25519.tbl", bytes: 24576, sent: true }]);
    expect(Buffer.compare(Buffer.from(b.emu.storage.read("ed25519.tbl")!), Buffer.from(table))).toBe(0);
    expect(r.erased).toEqual(expect.arrayContaining(before));
    expect(b.emu.runCode("solkit.cmd('status')").value).toContain("UNPROVISIONED");
  });

  it("a provisioned device's locked console: flash opens it with a token from the registry, and not without (issue 11)", async () => {
    const b = await rig.board({ firmware });
    const dir = tempDir();
    const config = join(dir, "gateway.json");
    writeFileSync(config, JSON.stringify({ database: join(dir, "gateway.db"), site: "lock" }));
    const port = ["--board", "esp32-devkitc", "--port", b.path, "--baud", String(BAUD)];
    expect((await rig.run(["provision", ...port, "--site", "lock", "-c", config])).status).toBe(0);
    const file = join(dir, "fw.js");
    writeFileSync(file, firmware, "latin1");
    const stranger = join(dir, "other.json");
    writeFileSync(stranger, JSON.stringify({ database: join(dir, "other.db") }));
    const refused = await rig.run(["flash", ...port, "--bundle", file, "-c", stranger]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^solkit: no registry at .*other\.db: give the configuration of the host that provisioned G[A-Z2-7]{55} \(--config\)$/m);
    const ok = await rig.run(["flash", ...port, "--bundle", file, "-c", config]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/console of G[A-Z2-7]{55} opened for 15 min with maintenance token 1/);
    expect(b.emu.runCode("solkit.cmd('status')").value).toMatch(/^console: locked/m); // locked again as the new bundle started
    const erased = await rig.run(["flash", ...port, "--bundle", file, "-c", config, "--erase", "--yes"]);
    expect(erased.status).toBe(0);
    expect(b.emu.runCode("solkit.cmd('status')").value).toMatch(/UNPROVISIONED[\s\S]*^console: open/m);
  });

  it("the CLI flashes with --json, and --dry-run sends nothing", async () => {
    const b = await rig.board();
    const file = join(tempDir(), "app.js");
    const code = smallBundle("cli", 8000);
    writeFileSync(file, code, "latin1");
    const dry = await rig.run(["flash", "--board", "esp32-devkitc", "--port", b.path, "--bundle", file, "--dry-run", "--json"]);
    expect(dry.status).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, bytes: code.length });
    expect(b.wire.stats.rxBytes).toBe(0);
    const r = await rig.run(["flash", "--board", "esp32-devkitc", "--port", b.path, "--bundle", file, "--baud", String(BAUD), "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, bytes: code.length, boot: { ok: true } });
    await waitFor(() => stored(b) === code, "the stored bundle");
  });
});
