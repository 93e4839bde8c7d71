/**
 * Who is on the other end of the port: an Espruino REPL (version, board name, memory,
 * Storage, whether native SHA-256 is there, whether the solkit program runs), or something
 * else, or nothing — each failure a setup error naming the next step.
 */
import { SolkitError } from "../shared/errors";
import type { Board } from "../boards/board-type";
import { ReplSession } from "./repl-session";
import { hasPackets } from "./upload-packets";

export interface BoardInfo {
  /** process.env.VERSION, e.g. "2v29". */
  version: string;
  /** process.env.BOARD, e.g. "ESP32". */
  board: string;
  freeVars: number;
  totalVars: number;
  storage: { totalBytes: number; freeBytes: number; trashBytes: number };
  files: string[];
  /** require("crypto").SHA256 is there (ESP32, Espruino WiFi, Pico: yes). */
  crypto: boolean;
  /** The interpreter takes files as binary packets (2v25 and later). */
  packets: boolean;
  /** It has heatshrink built in (require("heatshrink")): packets may come compressed. */
  heatshrink: boolean;
  /** The solkit device program runs (global `solkit`). */
  solkit: boolean;
  /** Size of .bootcde now (0: none). */
  bootBytes: number;
  /** Median round trip of a trivial command, ms. */
  rttMs: number;
}

/**
 * Kept short: a locked solkit console drops any line over MAX_CONSOLE_LINE (512) unanswered,
 * and the probe's refusal is how a locked device is recognised (probe-line.test.ts).
 */
export const PROBE = `(function(){var S=require("Storage"),m=process.memory(),e=process.env,c=0,h=0,t,b;` +
  `try{t=S.getStats()}catch(x){t={freeBytes:S.getFree()}}` +
  `try{c=require("crypto").SHA256?1:0}catch(x){}` +
  `try{h=require("heatshrink").decompress?1:0}catch(x){}` +
  `b=S.read(".bootcde");` +
  `return{v:e.VERSION,b:e.BOARD,fv:m.free,tv:m.total,st:t,f:S.list(),c:c,h:h,sk:typeof solkit=="object"?1:0,bc:b?b.length:0}})()`;

/** What a board that is not answering in Espruino's language looks like, in one phrase. */
function diagnose(s: ReplSession): string | undefined {
  const seen = s.log.concat([s.partial]).join("\n");
  if (s.stats.bytesRead > 8 && s.stats.unprintable > s.stats.bytesRead / 4) return "garbled";
  if (/stdin:\d|lua:|NodeMCU/i.test(seen)) return "NodeMCU (Lua)";
  if (/MicroPython|>>>/.test(seen)) return "MicroPython";
  if (seen.trim() !== "") return `something that is not Espruino ("${seen.trim().split("\n")[0].slice(0, 50)}")`;
  return undefined;
}

function isOtherFirmware(what: string | undefined): boolean {
  return what === "NodeMCU (Lua)" || what === "MicroPython";
}

/** Milliseconds of the median of three trivial round trips. */
async function roundTrip(s: ReplSession): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await s.call("1", 1500);
    if (r.ok) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times.length ? times[Math.floor(times.length / 2)] : 1000;
}

/**
 * Asks the board what it is.
 * @throws SolkitError E_NO_ANSWER (nothing answered at this baud), E_WRONG_FIRMWARE (an answer,
 *   but not from Espruino), E_PORT (port lost), E_LOCKED (a provisioned solkit device: flash/maintenance.ts opens it)
 */
export async function probeBoard(s: ReplSession, path: string, board?: Board): Promise<BoardInfo> {
  await s.interrupt();
  let r = await s.call(PROBE, 1500);
  if (!r.ok && r.value === "timeout") {
    await s.interrupt(); // a board still booting, or a half line in its buffer
    r = await s.call(PROBE, 2500);
  }
  if (!r.ok && r.value === "timeout" && s.stats.bytesRead > 0 && diagnose(s) !== "garbled" && !isOtherFirmware(diagnose(s))) {
    // Something printed but did not answer in 4 s: a busy board (a signature in progress, a
    // slow host) rather than no board. Silence still fails fast, another firmware at once.
    await s.interrupt();
    r = await s.call(PROBE, 8000);
  }
  if (!r.ok) {
    if (typeof r.value === "string" && r.value.startsWith("E_LOCKED")) {
      throw new SolkitError("E_LOCKED", `the solkit device on ${path} has locked its console; a maintenance token from the registry that holds its key opens it (--database <the gateway database>, or solkit console open --port ${path})`);
    }
    if (typeof r.value === "string" && r.value.startsWith("lost:")) throw new SolkitError("E_PORT", `${path}: ${r.value}`);
    const what = diagnose(s);
    const fileBaud = board?.link.serial?.baud;
    if (what === undefined) {
      throw new SolkitError("E_NO_ANSWER", `no board answering on ${path} at ${s.baud} baud: check the cable, press the board's reset button${fileBaud && fileBaud !== s.baud ? `, or use --baud ${fileBaud} (the board file's)` : ", or try another --baud"}`);
    }
    if (what === "garbled") {
      throw new SolkitError("E_NO_ANSWER", `garbled answer on ${path} at ${s.baud} baud: the board runs at another speed; try --baud ${fileBaud && fileBaud !== s.baud ? fileBaud : 115200}`);
    }
    throw new SolkitError("E_WRONG_FIRMWARE", `wrong firmware on the board at ${path}: ${what} answered, not Espruino; flash Espruino 2v2x first (espruino.com/Download)`);
  }
  const v = r.value as { v: string; b: string; fv: number; tv: number; st: BoardInfo["storage"]; f: string[]; c: number; h?: number; sk: number; bc: number };
  return {
    version: String(v.v), board: String(v.b), freeVars: v.fv, totalVars: v.tv, files: v.f,
    storage: { totalBytes: v.st?.totalBytes ?? 0, freeBytes: v.st?.freeBytes ?? 0, trashBytes: v.st?.trashBytes ?? 0 },
    crypto: v.c === 1, packets: hasPackets(String(v.v)), heatshrink: v.h === 1, solkit: v.sk === 1, bootBytes: v.bc, rttMs: await roundTrip(s),
  };
}

/** The process.env.BOARD names Espruino builds report for a board file (a hint, not a rule). */
export function expectedBoardNames(board: Board): string[] {
  if (board.mcu.startsWith("ESP32")) return ["ESP32"];
  if (board.id === "espruino-pico") return ["PICO_R1_3", "ESPRUINO-PICO"];
  if (board.id === "espruino-wifi") return ["ESPRUINOWIFI", "ESPRUINO_WIFI", "ESPRUINO-WIFI"];
  return [board.id.toUpperCase()];
}
