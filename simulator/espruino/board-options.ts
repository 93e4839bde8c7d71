/**
 * What an emulated Espruino board is made with, and the record of its restarts: types only, so
 * board.ts and board-runtime.ts both use them without importing each other.
 */
import type { Flash } from "./flash";
import type { PinSpec } from "./pins";

/** How to make an emulated board. */
export interface EspruinoBoardOptions {
  /** Pin names (with aliases) as the board file lists them. */
  pins: PinSpec[];
  /** The interpreter's variable blocks: process.memory().total (board file limits.jsVars). */
  jsVars: number;
  /** Bytes of the Storage area and its page size (4096 on ESP32). */
  flashBytes: number;
  pageBytes: number;
  /** Seeds Math.random (and E.hwRand when `trustedRng`): the same seed gives the same run. */
  seed: number;
  /**
   * True: E.hwRand is a true RNG (seeded per board and boot here). False (default): like the
   * real ESP32 port and Linux build, E.hwRand gives the same sequence at every start on every
   * board (issue 9), so a key made from it alone would repeat and tests see that.
   */
  trustedRng?: boolean;
  /** process.env.BOARD (default "ESP32"). */
  boardName?: string;
  /** Interpreter version reported (default "2v29", the one DESIGN.md measured). */
  version?: string;
  /** Wall-clock limit for one callback, ms; past it the board is hung (default 10 000; 0: none). */
  callbackTimeoutMs?: number;
  /** Use this flash instead of a blank one (e.g. a clone, to replay a write with a cut). */
  flash?: Flash;
}

/** Why the board (re)started. */
export interface ResetRecord {
  t: number;
  reason: "power-on" | "watchdog" | "reboot" | "reset()" | "load()";
}
