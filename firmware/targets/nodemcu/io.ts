/**
 * The relay outputs and the S0 pulse input over NodeMCU's gpio module. Pins are NodeMCU pin
 * indexes (D5 → 5), resolved from the board file at build time. Debounce uses the `when`
 * timestamp gpio.trig passes (µs, tmr.now's clock, so it wraps like it).
 */
import type { PulseMeter, Relay } from "../../hal";

export function nodemcuRelay(pins: { pin: number; activeHigh: boolean }[]): Relay {
  let closed = false;
  function drive(): void {
    for (let i = 0; i < pins.length; i++) gpio.write(pins[i].pin, closed === pins[i].activeHigh ? gpio.HIGH : gpio.LOW);
  }
  for (let i = 0; i < pins.length; i++) gpio.mode(pins[i].pin, gpio.OUTPUT);
  drive();
  return {
    set: function (c: boolean): void {
      closed = c;
      drive();
    },
    isClosed: function (): boolean {
      return closed;
    },
  };
}

const WRAP_US = 2147483648;

export function nodemcuPulseMeter(m: { pin: number; edge: string; pull: string; debounceMs: number }): PulseMeter {
  let count = 0;
  let lastUs = -1;
  gpio.mode(m.pin, gpio.INT, m.pull === "up" ? gpio.PULLUP : gpio.FLOAT);
  gpio.trig(m.pin, m.edge === "rising" ? "up" : "down", function (level: number, when: number): void {
    if (lastUs >= 0) {
      let d = when - lastUs;
      if (d < 0) d += WRAP_US;
      if (d < m.debounceMs * 1000) return;
    }
    lastUs = when;
    count++;
  });
  return {
    pulses: function (): number {
      return count;
    },
  };
}
