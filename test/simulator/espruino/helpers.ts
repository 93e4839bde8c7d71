import { EspruinoBoard, type EspruinoBoardOptions } from "../../../simulator/espruino/board";

/** ESP32 under Espruino: D0…D39, 16383 variables, 64 pages of 4 KiB of Storage. */
export const ESP32_PINS = Array.from({ length: 40 }, (_, i) => `D${i}`);

/** A powered-on board and everything its console printed. */
export function makeBoard(opts: Partial<EspruinoBoardOptions> = {}): { board: EspruinoBoard; out: () => string; clear: () => void } {
  const board = new EspruinoBoard({ pins: ESP32_PINS, jsVars: 16383, flashBytes: 64 * 4096, pageBytes: 4096, seed: 1, ...opts });
  let text = "";
  board.onConsoleOutput((t) => {
    text += t;
  });
  board.powerOn();
  return {
    board,
    out: () => text,
    clear: () => {
      text = "";
    },
  };
}
