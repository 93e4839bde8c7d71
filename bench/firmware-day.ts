/**
 * One simulated day of a built firmware bundle on the Espruino emulation of its board, at the
 * default settings (a reading every 60 s, a signature every 10 readings), with a host that
 * verifies every frame and acks over the REPL once a minute: what it costs the flash.
 *
 * Run alone: npx tsx bench/firmware-day.ts [board]
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Board } from "../boards/board-type";
import { loadBoard } from "../boards/validate";
import { buildFirmware, type BuildReport } from "../toolchain/firmware";
import { nodeVerifier } from "../host/crypto/node-verifier";
import { StreamVerifier } from "../host/verify/stream-verifier";
import { emulatedBoard, flashAndBoot } from "../simulator/espruino/from-board";
import { encodeAck } from "../shared/protocol/ack";
import { LineParser, encodeDownlinkLine, encodeFrame } from "../shared/protocol/frame";
import { decodePublicKey } from "../shared/crypto/strkey";

/** What a day cost, and what it produced. */
export interface DayFigures {
  report: BuildReport;
  minutes: number;
  /** Readings the host verified (valid, not duplicates) and the signatures that covered them. */
  readings: number;
  signatures: number;
  invalid: number;
  /** Storage.write calls, all files and per file (names with digits folded to "#"). */
  storageWrites: number;
  writesPerFile: Record<string, number>;
  bytesProgrammed: number;
  pageErases: number;
  maxPageErases: number;
  compactions: number;
}

/** Builds `board` (default profile) and runs it for `minutes` of virtual time after provisioning. */
export async function simulateDay(board: Board, minutes = 24 * 60): Promise<DayFigures> {
  const dir = mkdtempSync(join(tmpdir(), `solkit-day-${board.id}-`));
  const report = await buildFirmware(board, dir);
  const code = readFileSync(join(dir, "firmware.js"), "latin1");
  const emu = emulatedBoard(board, 11, { callbackTimeoutMs: 0 });
  let text = "";
  emu.onConsoleOutput((t) => {
    text += t;
  });
  flashAndBoot(emu, code);
  const key = new Uint8Array(32).fill(0x5a);
  const id = emu.runCode(`solkit.provisionKey(false, "${"5e".repeat(32)}")`).value as string;
  emu.runCode(`solkit.setHostKey("${Buffer.from(key).toString("hex")}")`);
  const deviceId = decodePublicKey(id);
  emu.advance(60_000); // settle: first reading, journals created

  const flash0 = emu.flash.stats();
  const files0: Record<string, number> = { ...emu.storage.writesPerFile };
  const compactions0 = emu.storage.compactions;
  const engine = new StreamVerifier<number>(nodeVerifier);
  const parser = new LineParser();
  const signedBy = new Set<number>();
  let acked = -1;
  let readings = 0;
  let invalid = 0;
  for (let m = 0; m < minutes; m++) {
    emu.advance(60_000);
    const events = parser.push(text);
    text = ""; // the parser keeps any partial line
    let newest = -1;
    for (const ev of events) {
      if (!ev.frame) continue;
      for (const v of engine.add(ev.frame, m)) {
        if (v.status === "duplicate") continue;
        if (v.status !== "valid") {
          invalid++;
          continue;
        }
        readings++;
        if (v.by !== undefined) signedBy.add(v.by);
        if (v.reading!.seq > newest) newest = v.reading!.seq;
      }
    }
    if (newest > acked) {
      acked = newest;
      emu.consoleInput(encodeDownlinkLine(encodeFrame(encodeAck({ deviceId, seq: acked, hostTime: 1_790_000_000 + m * 60 }, key)), "espruino"));
    }
  }
  const flash1 = emu.flash.stats();
  const writesPerFile: Record<string, number> = {};
  let storageWrites = 0;
  for (const name of Object.keys(emu.storage.writesPerFile)) {
    const n = emu.storage.writesPerFile[name] - (files0[name] ?? 0);
    if (n === 0) continue;
    const kind = name.replace(/[0-9]+/g, "#");
    writesPerFile[kind] = (writesPerFile[kind] ?? 0) + n;
    storageWrites += n;
  }
  return {
    report,
    minutes,
    readings,
    signatures: signedBy.size,
    invalid,
    storageWrites,
    writesPerFile,
    bytesProgrammed: flash1.bytesProgrammed - flash0.bytesProgrammed,
    pageErases: flash1.pageErases - flash0.pageErases,
    maxPageErases: flash1.maxPageErases,
    compactions: emu.storage.compactions - compactions0,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const d = await simulateDay(loadBoard(process.argv[2] ?? "esp32-devkitc"));
  console.log(JSON.stringify({ ...d, report: { bytes: d.report.bytes, profile: d.report.profile, outbox: d.report.storage.outboxCapacity } }, null, 2));
}
