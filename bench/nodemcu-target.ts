/**
 * The NodeMCU target (issue 14): firmware.lua's bytes; one signature of the device's signer in
 * Debian's lua5.3 beside the same TypeScript signer in Node (there is no tweetnacl for Lua: the
 * baseline is our own code on V8), and in NodeMCU's own Lua core (luac.cross); the LFS image's
 * bytes; and the program's Lua heap and a simulated day under the NodeMCU emulation (simulator/lua),
 * as source in lua5.3 and from its LFS image in NodeMCU's core: heap at boot and after the day
 * (the emulation's own heap left out), longest callback.
 * A chip runs Lua far slower than this machine: the ratios carry over, the milliseconds do not.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBoard } from "../boards/validate";
import { buildLuaBundle } from "../toolchain/lua";
import { nodemcuBundle } from "../toolchain/nodemcu-target";
import { createSigner } from "../shared/crypto/ed25519";
import { NodeMcuBoard } from "../simulator/lua/nodemcu-board";
import { LightHost } from "../simulator/host/light-host";
import { DeviceRig } from "../simulator/scenario/rig";
import type { Board } from "../boards/board-type";
import { luacCross, luacCrossAvailable } from "../toolchain/luac-cross";
import { buildLfsImage } from "../toolchain/nodemcu-lfs";
import { opsPerSecond, type Row } from "./harness";

const DAY = 86_400_000;
/** A reading's bytes on the wire (PROTOCOL.md): what the day's writes are compared with. */
const READING_BYTES = 123;
/** SPIFFS's page: each write programs at least one. */
const SPIFFS_PAGE = 256;

/**
 * A day of readings acked by a host (the light host, as in a fleet), the program as the
 * simulator runs it (simulator/scenario/sim-target.ts): what it wrote to SPIFFS — bytes and write
 * calls, each at least one 256-byte page programmed — against the readings' own bytes.
 */
async function flashWearRow(board: Board, code: string): Promise<Row> {
  const host = new LightHost(1_780_000_000);
  const rig = new DeviceRig({
    board, firmware: code, seed: 3, callbackTimeoutMs: 0,
    world: { startUnixS: 1_780_000_000, latitude: 5, clouds: 0.2, panelWp: 300, loads: [], meter: "panel" },
  });
  try {
    rig.start(host);
    const mcu = rig.board as unknown as NodeMcuBoard;
    const before = mcu.flashWritten();
    const end = rig.now + DAY;
    for (let t = rig.now + 60_000; t <= end; t += 60_000) {
      rig.step(t, host);
      await host.settle(t);
    }
    const after = mcu.flashWritten();
    const bytes = after.bytes - before.bytes;
    const writes = after.writes - before.writes;
    const readings = rig.tap.received.size;
    return { section: "nodemcu target", name: "nodemcu-esp32: SPIFFS written per day (readings acked)", value: bytes / 1024, unit: "KiB", ratio: bytes / (readings * READING_BYTES),
      note: `ratio: bytes per reading byte; ${readings} readings, ${writes} writes (≥ ${((writes * SPIFFS_PAGE) / 1e6).toFixed(1)} MB of 256-byte pages programmed)` };
  } finally {
    rig.dispose();
    await host.close();
  }
}

export async function nodemcuTargetRows(): Promise<Row[]> {
  const section = "nodemcu target";
  const rows: Row[] = [];
  const seed = new Uint8Array(32).fill(7);
  const msg = new Uint8Array(138).fill(1);
  const js = createSigner(seed);
  const jsMs = 1000 / opsPerSecond(() => js.sign(msg));
  rows.push({ section, name: "sign: the device signer in Node (baseline)", value: jsMs, unit: "ms/sig", ratio: 1 });
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-lua-"));
  try {
    const file = join(dir, "sign.lua");
    writeFileSync(file, (await buildLuaBundle({ entry: join(import.meta.dirname, "lua-sign-entry.ts") })).code);
    const runtimes: [string, string, string[]][] = [["lua5.3", process.env.SOLKIT_LUA ?? "lua5.3", [file]]];
    if (luacCrossAvailable()) runtimes.push(["NodeMCU's Lua core (luac.cross)", luacCross(), ["-e", file]]);
    for (const [name, exe, args] of runtimes) {
      const r = spawnSync(exe, args, { encoding: "utf8" });
      const [n, s] = r.stdout.trim().split(" ").map(Number);
      if (r.status === 0 && n > 0) rows.push({ section, name: `sign: the same signer in ${name}`, value: (s * 1000) / n, unit: "ms/sig", ratio: (s * 1000) / n / jsMs, note: "ratio: times the Node time" });
      else rows.push({ section, name: `sign: the same signer in ${name}`, value: 0, unit: "ms/sig", note: `not measured: ${r.error?.message ?? r.stderr.trim().slice(0, 80)}` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const board = loadBoard("nodemcu-esp32");
  const { code } = await nodemcuBundle(board);
  const ram = (board.limits?.ramBytes ?? 0) / 1024;
  rows.push({ section, name: "nodemcu-esp32: firmware.lua", value: code.length / 1024, unit: "KiB", note: "Lua source; typed arrays as Lua tables" });
  const img = join(mkdtempSync(join(tmpdir(), "solkit-bench-lfs-")), "lfs.img");
  const lfs = luacCrossAvailable() ? buildLfsImage(code, img) : undefined;
  if (lfs !== undefined) {
    rows.push({ section, name: "nodemcu-esp32: lfs.img (uploaded)", value: lfs.imageBytes / 1024, unit: "KiB", ratio: lfs.imageBytes / code.length, note: "ratio: to the source" });
    rows.push({ section, name: "nodemcu-esp32: LFS partition it takes (chip layout)", value: lfs.flashBytes / 1024, unit: "KiB" });
    rmSync(join(img, ".."), { recursive: true, force: true });
  }
  for (const inLfs of lfs === undefined ? [false] : [false, true]) {
    const where = inLfs ? "from LFS in NodeMCU's core" : "as source in lua5.3";
    const b = new NodeMcuBoard(board, code, 1, { lfs: inLfs });
    try {
      b.powerOn();
      const emulation = b.emulationHeapKiB();
      const atBoot = b.heapKiB() - emulation;
      b.repl(`print(solkit.provisionKey(false, "${"5a".repeat(32)}"))`);
      b.repl(`solkit.setHostKey("${"a5".repeat(32)}")`);
      const t0 = performance.now();
      for (let t = 60_000; t <= DAY; t += 60_000) b.advance(60_000);
      const wall = performance.now() - t0;
      const after = b.heapKiB() - emulation;
      const note = `ratio: share of the chip's ${ram} KiB RAM; the emulation's own ${emulation.toFixed(0)} KiB left out; 64-bit host layout`;
      rows.push({ section, name: `nodemcu-esp32: program's Lua heap at boot, ${where}`, value: atBoot, unit: "KiB", ratio: atBoot / ram, note });
      rows.push({ section, name: `nodemcu-esp32: program's Lua heap after a day, ${where}`, value: after, unit: "KiB", ratio: after / ram, note: inLfs ? "what solkit flash runs (lfs.img)" : "--no-lfs: too much for the chip" });
      rows.push({ section, name: `nodemcu-esp32: a simulated day ${where}`, value: DAY / wall, unit: "× real time", note: `longest callback ${b.longestBlock.ms.toFixed(1)} ms (${b.longestBlock.what}) on this machine` });
    } finally {
      b.dispose();
    }
  }
  rows.push(await flashWearRow(board, code));
  return rows;
}
