/**
 * `solkit sim --pty --state DIR` (issue 11): an emulated board keeps its flash — bundle, keys,
 * credit, outbox — across restarts of the simulator, as a real board keeps it across power
 * cycles. The state is the flash image itself, `DIR/<board>.flash`, saved every few seconds
 * and at the end (write to a temporary file, then rename: a kill mid-save keeps the last
 * whole image, like a power cut keeps the last whole page).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import type { EspruinoBoard } from "./espruino/board";
import { Flash } from "./espruino/flash";
import { emulatedBoard } from "./espruino/from-board";

export function stateFile(dir: string, board: Board): string {
  return join(dir, `${board.id}.flash`);
}

/**
 * A powered-off board with the flash saved in `dir` (blank when none yet).
 * @throws SolkitError E_STATE when the saved image does not match the board's Storage size
 */
export function boardFromState(dir: string, board: Board, seed: number): { emu: EspruinoBoard; restored: boolean } {
  const file = stateFile(dir, board);
  const emu = emulatedBoard(board, seed, { callbackTimeoutMs: 0 });
  if (!existsSync(file)) return { emu, restored: false };
  const image = readFileSync(file);
  if (image.length !== emu.flash.size) {
    throw new SolkitError("E_STATE", `${file} holds ${image.length} bytes of flash, and ${board.id} has ${emu.flash.size}: it is another board's; use another --state folder`);
  }
  emu.flash.restore(image);
  return { emu, restored: true };
}

/** Saves the board's flash image into `dir` (created 0700: it holds the device's keys). */
export function saveState(dir: string, board: Board, emu: EspruinoBoard): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = stateFile(dir, board);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, emu.flash.image(), { mode: 0o600 });
  renameSync(tmp, file);
}

/** A flash of the same geometry, for tests. */
export function blankFlashOf(emu: EspruinoBoard): Flash {
  return new Flash(emu.flash.size, emu.flash.pageBytes);
}
