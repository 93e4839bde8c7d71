/**
 * Pins: the relay outputs, the S0 pulse input and the ADC power input, from the board facts
 * that `solkit build` embedded (the board file is the only source of pin facts).
 */
import type { PowerSensor, PulseMeter, Relay } from "../../hal";

export interface OutPin {
  pin: string;
  activeHigh: boolean;
}

/** All relay outputs switched together; the first is the load. Opened at once (fail closed). */
export function espruinoRelay(pins: OutPin[]): Relay {
  let closed = false;
  function drive(): void {
    for (let i = 0; i < pins.length; i++) digitalWrite(pins[i].pin, closed === pins[i].activeHigh ? 1 : 0);
  }
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

/** Counts S0 pulses with setWatch; debounce filters contact bounce (S0 pulses last ≥ 30 ms). */
export function espruinoPulseMeter(m: { pin: string; edge: string; pull: string; debounceMs: number }): PulseMeter {
  let count = 0;
  pinMode(m.pin, m.pull === "up" ? "input_pullup" : m.pull === "down" ? "input_pulldown" : "input");
  setWatch(function (): void {
    count++;
  }, m.pin, { repeat: true, edge: m.edge, debounce: m.debounceMs });
  return {
    pulses: function (): number {
      return count;
    },
  };
}

/** Power from a transducer on an ADC pin: analogRead is 0..1 of the 3.3 V reference. */
export function espruinoAdcSensor(a: { pin: string; wattsPerVolt: number }): PowerSensor {
  return {
    milliwatts: function (): number {
      return Math.round(analogRead(a.pin) * 3.3 * a.wattsPerVolt * 1000);
    },
  };
}
