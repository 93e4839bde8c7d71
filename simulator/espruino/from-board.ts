/**
 * An EspruinoBoard shaped like a board file: its pins, variable budget and Storage size, so
 * the simulator runs a build on the board it was built for.
 */
import type { Board } from "../../boards/board-type";
import { SolkitError } from "../../shared/errors";
import { companionFiles } from "../../toolchain/companion-files";
import { EspruinoBoard } from "./board";

/** Flash page size of the board's Storage (ESP32: 4 KiB sectors; STM32F4: the build's pages). */
function pageBytes(board: Board): number {
  return board.mcu.startsWith("ESP32") ? 4096 : 2048;
}

/**
 * A powered-off emulated board for `board` (call powerOn() after writing .bootcde).
 * @throws SolkitError E_UNSUPPORTED when the board is not an Espruino board with limits
 */
export function emulatedBoard(board: Board, seed: number, opts?: { callbackTimeoutMs?: number }): EspruinoBoard {
  if (board.target !== "espruino" || !board.limits || !board.limits.jsVars) {
    throw new SolkitError("E_UNSUPPORTED", `${board.id}: the Espruino emulation needs an espruino board with limits.jsVars`);
  }
  const pins = board.chipPins.map((p) => ({ name: p.name, aliases: p.aliases ?? [] }));
  return new EspruinoBoard({
    pins,
    jsVars: board.limits.jsVars,
    flashBytes: board.limits.storageBytes,
    pageBytes: pageBytes(board),
    seed,
    trustedRng: board.trustedRng === true,
    boardName: board.mcu.startsWith("ESP32") ? "ESP32" : board.id.toUpperCase(),
    callbackTimeoutMs: opts?.callbackTimeoutMs,
  });
}

/**
 * What a flasher writes, on a powered board: the bundle into .bootcde (the code Espruino runs
 * at boot) and the files it reads beside it (toolchain/companion-files.ts: the full profile's
 * base-point table). A file already holding those bytes is left alone, as solkit flash
 * leaves it; keys, credit and outbox (sk.*) are never touched. The flash pages this leaves
 * alike on many boards (a fleet's) are then kept once in memory (Flash.shareIdenticalPages).
 */
export function installFirmware(emu: EspruinoBoard, code: string): void {
  const files = [{ name: ".bootcde", data: new Uint8Array(Buffer.from(code, "latin1")) }, ...companionFiles(code)];
  for (const f of files) {
    const now = emu.storage.read(f.name);
    if (now === undefined || Buffer.compare(Buffer.from(now), Buffer.from(f.data)) !== 0) emu.storage.write(f.name, f.data);
  }
  emu.flash.shareIdenticalPages();
}

/** What a flasher does: installFirmware, then a power cycle. */
export function flashAndBoot(emu: EspruinoBoard, code: string): void {
  emu.powerOn();
  installFirmware(emu, code);
  emu.powerOff();
  emu.powerOn();
}
