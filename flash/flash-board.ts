/**
 * `solkit flash` without the CLI: open the port, find out what answers, check the bundle
 * fits, upload and verify it, restart the board so the new bundle runs, and see it boot.
 */
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import { expectedBoardNames, type BoardInfo } from "./board-probe";
import { probeOrOpen } from "./maintenance";
import { closePort, openPort } from "./port-open";
import { ReplSession, sleep } from "./repl-session";
import { companionFiles } from "../toolchain/companion-files";
import { uploadBundle, type Progress, type UploadResult } from "./upload";

export interface FlashOptions {
  path: string;
  baud: number;
  board: Board;
  /** The bundle (dist/<board>/firmware.js), one character per byte. */
  code: string;
  erase?: boolean;
  /** The gateway database whose registry holds the device's key: opens a locked console (flash/maintenance.ts). */
  database?: string;
  chunkBytes?: number;
  /** "repl": base64 chunks even where the board takes packets. */
  method?: "auto" | "repl";
  /** Compress packets with heatshrink where the board can (default true). */
  compress?: boolean;
  onProgress?: (p: Progress) => void;
  /** Notes for people (board found, warnings), one line each. */
  onNote?: (text: string) => void;
  signal?: AbortSignal;
  /** How long to watch the new bundle boot before calling it good (default 1500 ms). */
  settleMs?: number;
}

export interface BootReport {
  /** No "Uncaught …" while it started, and the board answers again. */
  ok: boolean;
  /** The solkit device program is running (global `solkit`). */
  solkit: boolean;
  /** What the board printed while booting (visible text). */
  lines: string[];
}

export interface FlashResult extends UploadResult {
  info: BoardInfo;
  boot: BootReport;
}

const align4 = (n: number) => (n + 3) & ~3;
/** Storage file header (src/jsflash.h JsfFileHeader: size+flags and a 28-byte name). */
const HEADER = 32;

/**
 * Whether the bundle and the files it reads (companion-files.ts) fit the board's Storage once
 * the old .bootcde is gone; a companion the board already holds (same name, a fixed size)
 * needs no new room.
 * @throws SolkitError E_TOO_BIG naming what would help
 */
export function checkFits(board: Board, code: string, info?: BoardInfo): void {
  const companions = companionFiles(code).filter((c) => !info || !info.files.includes(c.name));
  const need = companions.reduce((n, c) => n + align4(c.data.length) + HEADER, align4(code.length) + HEADER);
  const total = board.limits?.storageBytes ?? Infinity;
  if (need > total) {
    throw new SolkitError("E_TOO_BIG", `the bundle (${code.length} bytes${companions.length > 0 ? `, ${companions.map((c) => `${c.name} ${c.data.length}`).join(", ")}` : ""}) is bigger than ${board.id}'s whole Storage (${total} bytes); build for a board with more flash or trim the program (see dist/${board.id}/report.json)`);
  }
  if (!info) return;
  const old = info.bootBytes > 0 ? align4(info.bootBytes) + HEADER : 0;
  const avail = info.storage.freeBytes + info.storage.trashBytes + old;
  if (need > avail) {
    throw new SolkitError("E_TOO_BIG", `the bundle needs ${need} bytes of Storage and the board has ${avail} free (files: ${info.files.join(", ")}); remove files with require("Storage").erase(…), or flash with --erase to also drop the provisioning data`);
  }
}

/** What the solkit device program prints as it starts (firmware/app.ts). */
const BOOT_LINE = /solkit \S+ boot \d+: /;

/** Longest a new bundle may take to boot before the flasher calls it stuck. */
export const BOOT_TIMEOUT_MS = 90_000;

/**
 * Restarts the board into its new .bootcde (load(): what EspruinoTools does after saving) and
 * watches it start. The question "is solkit there?" waits in the board's input until the boot
 * code returns — never a Ctrl-C mid-boot: a provisioned device with a full outbox takes
 * seconds to boot (1.4–6.9 s on the desktop interpreter, several times that on an ESP32), and
 * a Ctrl-C then broke its start (issue 9, item 5).
 */
export async function bootNewBundle(s: ReplSession, settleMs: number, bootTimeoutMs = BOOT_TIMEOUT_MS): Promise<BootReport> {
  const lines: string[] = [];
  const off = s.onLine((l) => {
    if (l.trim() !== "" && !l.includes("<<SK")) lines.push(l);
  });
  await s.write("\x10load()\n");
  // The question must not reach the board before load() has begun (a line typed in before
  // the restart is dropped with the old program): wait settleMs, or less once the new bundle
  // prints its boot line (the solkit program does, as it starts: then the restart is certain).
  const until = performance.now() + settleMs;
  while (performance.now() < until && !lines.some((l) => BOOT_LINE.test(l))) await sleep(20);
  let r = await s.call(`typeof solkit=="object"?1:0`, bootTimeoutMs);
  if (!r.ok && r.value === "timeout") {
    await s.interrupt(); // a REPL wedged on a half line: only now, after the boot had all that time
    r = await s.call(`typeof solkit=="object"?1:0`, 5000);
  }
  off();
  const crashed = lines.some((l) => /Uncaught|SyntaxError|Error:/.test(l));
  // A provisioned device locks its console as it starts: only the solkit program answers so.
  const locked = !r.ok && String(r.value).startsWith("E_LOCKED");
  return { ok: (r.ok || locked) && !crashed, solkit: locked || (r.ok && r.value === 1), lines };
}

/**
 * Flashes `code` to the board on `path`.
 * @throws SolkitError E_PORT_* (opening), E_NO_ANSWER, E_WRONG_FIRMWARE, E_TOO_BIG, E_UPLOAD,
 *   E_VERIFY, E_ABORTED, E_LOCKED (a provisioned device and no database that holds its key)
 */
export async function flashBoard(o: FlashOptions): Promise<FlashResult> {
  checkFits(o.board, o.code);
  const port = await openPort(o.path, o.baud);
  try {
    const s = new ReplSession(port, o.baud);
    const info = await probeOrOpen(s, o.path, o.board, o.database, o.onNote);
    o.onNote?.(`found Espruino ${info.version} on ${info.board}: ${info.freeVars} of ${info.totalVars} variables free, ${info.storage.freeBytes} bytes of Storage free, ` +
      `${info.solkit ? "solkit program running" : "no solkit program"}, round trip ${info.rttMs.toFixed(0)} ms`);
    if (!expectedBoardNames(o.board).includes(info.board)) {
      o.onNote?.(`warning: the board says it is ${info.board}, and ${o.board.id} is usually ${expectedBoardNames(o.board)[0]}; check --board`);
    }
    checkFits(o.board, o.code, info);
    const sk = info.files.filter((f) => f.startsWith("sk."));
    if (sk.length > 0 && !o.erase) o.onNote?.(`keeping the device's ${sk.length} provisioning file(s) (sk.*): keys, counters, credit, outbox`);
    const up = await uploadBundle(s, info, o.code, { erase: o.erase, chunkBytes: o.chunkBytes, method: o.method, compress: o.compress, onProgress: o.onProgress, signal: o.signal });
    const boot = await bootNewBundle(s, o.settleMs ?? 1500);
    return { ...up, info, boot };
  } finally {
    await closePort(port);
  }
}
