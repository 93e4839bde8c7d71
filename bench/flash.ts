/**
 * Flash upload throughput at 115200 baud on an emulated ESP32 behind a pseudo-terminal:
 * `solkit flash` (pty, real serialport) beside the `espruino` package's own upload of the same
 * bundle in the same run (tcp:// to the same board's console through the same baud model:
 * EspruinoTools cannot open a pty where udevadm is missing, see bench/espruino-tools.ts).
 * Bytes per second are bundle bytes over the upload's wall time; the ceiling is the wire's
 * 11,520 bytes/s times 3/4 for base64.
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
import { startPtyBoard } from "../simulator/pty-board";

const BAUD = 115_200;

export async function flashRows(): Promise<Row[]> {
  const board = loadBoard("esp32-devkitc");
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-flash-"));
  await buildFirmware(board, dir);
  const code = readFileSync(join(dir, "firmware.js"), "latin1");
  const section = "flash";
  const ceiling = (BAUD / 10) * 0.75;

  const theirsBoard = await startPtyBoard({ board, path: join(dir, "ttyTHEIRS"), baud: BAUD, seed: 1 });
  let theirs;
  try {
    theirs = await espruinoToolsUpload(code, theirsBoard.tcpPort);
  } finally {
    await theirsBoard.stop();
  }
  const theirsOk = theirs.status === 0 && Buffer.from(theirsBoard.emu.storage.read(".bootcde") ?? []).toString("latin1") === code;
  const theirsRate = code.length / theirs.seconds;

  const oursBoard = await startPtyBoard({ board, path: join(dir, "ttyOURS"), baud: BAUD, seed: 1 });
  let ours;
  const t0 = performance.now();
  try {
    ours = await flashBoard({ path: oursBoard.path, baud: BAUD, board, code });
  } finally {
    await oursBoard.stop();
  }
  const total = (performance.now() - t0) / 1000;

  return [
    { section, name: `espruino 0.1.67 upload, ${code.length} B bundle (baseline; tcp, 115200 model)`, value: theirsRate, unit: "B/s", ratio: 1, note: `${theirs.seconds.toFixed(1)} s incl. CLI start; ${theirsOk ? "stored bytes match" : "FAILED"}; 250 ms pause per 1 KiB Storage.write` },
    { section, name: "solkit flash upload (pty, 115200, checked chunks)", value: ours.bytesPerSecond, unit: "B/s", ratio: ours.bytesPerSecond / theirsRate, note: `${ours.chunks} chunks of ${ours.chunkBytes} B (measured), ${ours.retries} resent` },
    { section, name: "solkit flash end to end (probe, upload, hash, boot)", value: code.length / total, unit: "B/s", ratio: code.length / total / theirsRate, note: `${total.toFixed(1)} s; ${ours.boot.ok ? "boots" : "BOOT FAILED"}` },
    { section, name: "wire ceiling (115200 8N1, base64)", value: ceiling, unit: "B/s", ratio: ceiling / theirsRate, note: `solkit upload at ${Math.round((100 * ours.bytesPerSecond) / ceiling)} % of it` },
  ];
}
