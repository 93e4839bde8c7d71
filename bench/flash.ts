/**
 * Flash upload throughput at 115200 baud on an emulated ESP32 behind a pseudo-terminal:
 * `solkit flash` (pty, real serialport) beside the `espruino` package's own upload of the same
 * bundle in the same run (tcp:// to the same board's console through the same baud model:
 * EspruinoTools cannot open a pty where udevadm is missing, see bench/espruino-tools.ts).
 * Bytes per second are what the board holds afterwards (the bundle and the files it reads
 * beside it: the full build's 24,576-byte base-point table) over the wall time. Two ceilings: the wire's
 * 11,520 bytes/s (115200 8N1), which nothing uncompressed can beat, and 3/4 of it for
 * base64 text (8,640 bytes/s), which is what an upload over the REPL can reach at best.
 * solkit's default sends heatshrink-compressed binary packets (2v25+); its base64 chunks
 * (the fallback, --no-packets) are measured beside it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Row } from "./harness";
import { loadBoard } from "../boards/validate";
import { buildFirmware } from "../toolchain/firmware";
import { flashBoard } from "../flash/flash-board";
import { espruinoToolsUpload } from "./espruino-tools";
import { startNodemcuPtyBoard, startPtyBoard } from "../simulator/pty-board";
import { flashNodeMcu } from "../flash/nodemcu-flash";
import { ensureFirmware, firmwarePath } from "../simulator/scenario/artifact";
import { lfsImageBeside } from "../flash/bundle";
import { companionFiles } from "../toolchain/companion-files";
import { MAX_PACKET_BYTES, planDataPackets, planWireBytes } from "../flash/upload-packets";

const BAUD = 115_200;

export async function flashRows(): Promise<Row[]> {
  const board = loadBoard("esp32-devkitc");
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-flash-"));
  await buildFirmware(board, dir);
  const code = readFileSync(join(dir, "firmware.js"), "latin1");
  // What a board holds once flashed: the bundle and the files it reads (the base-point table).
  const files = companionFiles(code);
  const content = code.length + files.reduce((n, f) => n + f.data.length, 0);
  const section = "flash";
  const wire = BAUD / 10;
  const ceiling = wire * 0.75;

  const theirsBoard = await startPtyBoard({ board, path: join(dir, "ttyTHEIRS"), baud: BAUD, seed: 1 });
  let theirs;
  try {
    // The bundle alone: its CLI's `--storage f:file -e 1` (the way to send the table too) typed
    // lines that this emulated console garbled ("drequire is not defined"), not chased further;
    // bytes per second compare all the same.
    theirs = await espruinoToolsUpload(code, theirsBoard.tcpPort);
  } finally {
    await theirsBoard.stop();
  }
  const holds = (emu: { storage: { read(n: string): Uint8Array | undefined } }) =>
    Buffer.from(emu.storage.read(".bootcde") ?? []).toString("latin1") === code &&
    files.every((f) => Buffer.compare(Buffer.from(emu.storage.read(f.name) ?? []), Buffer.from(f.data)) === 0);
  const theirsOk = theirs.status === 0 && Buffer.from(theirsBoard.emu.storage.read(".bootcde") ?? []).toString("latin1") === code;
  const theirsRate = code.length / theirs.seconds;

  const oursBoard = await startPtyBoard({ board, path: join(dir, "ttyOURS"), baud: BAUD, seed: 1 });
  let ours;
  let again;
  const t0 = performance.now();
  let total = 0;
  let totalAgain = 0;
  let oursOk = false;
  try {
    ours = await flashBoard({ path: oursBoard.path, baud: BAUD, board, code });
    total = (performance.now() - t0) / 1000;
    oursOk = holds(oursBoard.emu);
    // The developer's loop: the same board flashed with a rebuilt bundle (one comment more: the
    // very same bundle would only be restarted, its hash equal), its table already right.
    const t1 = performance.now();
    again = await flashBoard({ path: oursBoard.path, baud: BAUD, board, code: `${code}\n// rebuilt\n` });
    totalAgain = (performance.now() - t1) / 1000;
  } finally {
    await oursBoard.stop();
  }

  const chunkBoard = await startPtyBoard({ board, path: join(dir, "ttyCHUNKS"), baud: BAUD, seed: 1 });
  let chunks;
  try {
    chunks = await flashBoard({ path: chunkBoard.path, baud: BAUD, board, code, method: "repl" });
  } finally {
    await chunkBoard.stop();
  }

  // NodeMCU: the Lua bundle through the Lua REPL onto a blank simulated board (real lua5.3), same baud.
  const mcu = loadBoard("nodemcu-esp32");
  const lua = (await ensureFirmware(mcu.id)).code;
  const mcuBoard = await startNodemcuPtyBoard({ board: mcu, path: join(dir, "ttyMCU"), baud: BAUD, seed: 1 });
  let nodemcu;
  try {
    nodemcu = await flashNodeMcu({ path: mcuBoard.path, baud: BAUD, board: mcu, code: lua });
  } finally {
    await mcuBoard.stop();
    mcuBoard.emu.dispose();
  }
  // And its LFS image (what solkit flash sends by default), as base64 lines, then node.LFS.reload.
  const image = lfsImageBeside(firmwarePath(mcu.id));
  let lfs;
  if (image !== undefined) {
    const lfsBoard = await startNodemcuPtyBoard({ board: mcu, path: join(dir, "ttyLFS"), baud: BAUD, seed: 1 });
    try {
      const t = performance.now();
      lfs = { r: await flashNodeMcu({ path: lfsBoard.path, baud: BAUD, board: mcu, code: lua, lfsImage: image.data }), total: (performance.now() - t) / 1000 };
    } finally {
      await lfsBoard.stop();
      lfsBoard.emu.dispose();
    }
  }

  const packed = planWireBytes(planDataPackets(Buffer.from(code, "latin1"), MAX_PACKET_BYTES, true));
  const kept = again.companions.filter((c) => !c.sent).map((c) => c.name).join(", ") || "nothing";
  return [
    { section, name: `espruino 0.1.67 upload, ${code.length} B bundle (baseline; tcp, 115200 model)`, value: theirsRate, unit: "B/s", ratio: 1, note: `${theirs.seconds.toFixed(1)} s incl. CLI start; bundle only; ${theirsOk ? "stored bytes match" : "FAILED"}; 250 ms pause per 1 KiB Storage.write` },
    { section, name: "solkit flash upload, base64 chunks (--no-packets)", value: chunks.bytesPerSecond, unit: "B/s", ratio: chunks.bytesPerSecond / theirsRate, note: `${chunks.chunks} chunks of ${chunks.chunkBytes} B (measured), ${chunks.retries} resent; ${Math.round((100 * chunks.bytesPerSecond) / ceiling)} % of the base64 ceiling` },
    { section, name: `solkit flash upload, ${ours.method} (default)`, value: ours.bytesPerSecond, unit: "B/s", ratio: ours.bytesPerSecond / theirsRate,
      note: `${ours.chunks} packets of ≤ ${ours.chunkBytes} B; ${(ours.bytesPerSecond / ceiling).toFixed(2)}x the base64 ceiling, ${(ours.bytesPerSecond / wire).toFixed(2)}x the raw wire${ours.fallback ? "; FELL BACK" : ""}` },
    { section, name: "solkit flash end to end, blank board (probe, upload, hash, boot)", value: content / total, unit: "B/s", ratio: content / total / theirsRate,
      note: `${total.toFixed(1)} s for ${content} B; ${ours.boot.ok && oursOk ? "boots, stored bytes match" : "FAILED"}; ${(content / total / ceiling).toFixed(2)}x the base64 ceiling, ${(content / total / wire).toFixed(2)}x the raw wire` },
    { section, name: "solkit flash end to end, rebuilt bundle, same board (the developer's loop)", value: content / totalAgain, unit: "B/s", ratio: content / totalAgain / theirsRate,
      note: `${totalAgain.toFixed(1)} s; kept ${kept} (hash matched); ${again.boot.ok ? "boots" : "BOOT FAILED"}; ${(content / totalAgain / wire).toFixed(2)}x the raw wire for what the board holds, ${(code.length / totalAgain / wire).toFixed(2)}x for the bundle alone` },
    { section, name: `solkit flash, NodeMCU REPL (nodemcu-esp32, ${lua.length} B of Lua)`, value: nodemcu.bytesPerSecond, unit: "B/s", ratio: nodemcu.bytesPerSecond / wire,
      note: `ratio: share of the raw wire; ${nodemcu.chunks} lines of ≤ ${nodemcu.chunkBytes} B, one in flight, each checked; ${nodemcu.retries} sent again; ${nodemcu.seconds.toFixed(1)} s; ${nodemcu.boot.ok ? "boots" : "BOOT FAILED"}` },
    ...(lfs === undefined ? [] : [{ section, name: `solkit flash, NodeMCU LFS image (${lfs.r.bytes} B, base64 lines, node.LFS.reload)`, value: lfs.r.bytesPerSecond, unit: "B/s", ratio: lfs.r.bytesPerSecond / wire,
      note: `ratio: share of the raw wire; ${lfs.r.chunks} lines of ≤ ${lfs.r.chunkBytes} B; ${lfs.r.seconds.toFixed(1)} s upload, ${lfs.total.toFixed(1)} s to the program running (source: ${nodemcu.seconds.toFixed(1)} s upload); ${lfs.r.boot.ok ? "boots" : "BOOT FAILED"}` }]),
    { section, name: "wire ceiling, base64 text (115200 8N1 × 3/4)", value: ceiling, unit: "B/s", ratio: ceiling / theirsRate },
    { section, name: "wire ceiling, raw bytes (115200 8N1)", value: wire, unit: "B/s", ratio: wire / theirsRate, note: `heatshrink packets carry this bundle in ${packed} B (${(code.length / packed).toFixed(2)}x smaller); the table goes raw (random bytes: heatshrink grows them)` },
  ];
}
