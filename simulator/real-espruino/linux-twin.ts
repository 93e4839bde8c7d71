/**
 * The Linux build of Espruino names its pins D0…D32 only, so a board whose file says `B4`
 * (Espruino WiFi, Pico) cannot run its bundle there unchanged. Its *twin* is the same board —
 * same variable count, Storage, profile choice, native hashes — with each used pin renamed to
 * `D<n>` by its number (B4 → D4, B3 → D3): the bytes that differ are a few pin-name strings,
 * and what the real tier measures (language, memory, time) does not depend on them.
 */
import type { Board, ChipPin } from "../../boards/board-type";
import { SolkitError } from "../../shared/errors";
import { LINUX_PINS } from "./real-board";

/** "B4" → "D4"; D-pins stay. @throws SolkitError E_PIN when the number is past D32 */
export function linuxPinName(name: string): string {
  const m = /^[A-Z]+(\d+)$/.exec(name);
  if (!m || Number(m[1]) >= LINUX_PINS) throw new SolkitError("E_PIN", `pin ${name} has no D0…D${LINUX_PINS - 1} twin on the Linux build`);
  return `D${Number(m[1])}`;
}

/** The board with its used pins renamed for the Linux build (a board of D-pins is returned as is). */
export function linuxTwin(board: Board): Board {
  const p = board.pins;
  const used = [...p.relay.map((r) => r.pin), p.meterInput?.pin, p.led?.pin, p.button?.pin, p.sensor && "pin" in p.sensor ? p.sensor.pin : undefined]
    .filter((x): x is string => x !== undefined);
  if (used.every((n) => /^D\d+$/.test(n))) return board;
  const names = new Set(used.map(linuxPinName));
  if (names.size !== new Set(used).size) throw new SolkitError("E_PIN", `${board.id}: two pins share a number, so the Linux twin would clash`);
  const chipPins: ChipPin[] = board.chipPins.map((c) => (used.includes(c.name) ? { ...c, name: linuxPinName(c.name), aliases: [] } : c));
  return {
    ...board,
    pins: {
      ...p,
      relay: p.relay.map((r) => ({ ...r, pin: linuxPinName(r.pin) })),
      meterInput: p.meterInput && { ...p.meterInput, pin: linuxPinName(p.meterInput.pin) },
      led: p.led && { ...p.led, pin: linuxPinName(p.led.pin) },
      button: p.button && { ...p.button, pin: linuxPinName(p.button.pin) },
      sensor: p.sensor && "pin" in p.sensor ? { ...p.sensor, pin: linuxPinName(p.sensor.pin) } : p.sensor,
    },
    chipPins,
  };
}
