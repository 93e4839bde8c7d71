/**
 * The relay outputs, the S0 pulse input and the INA219 power sensor of a Pi, from the board
 * facts `solkit build` embedded, over GpioLines and an I2C bus.
 */
import type { PowerSensor, PulseMeter, Relay } from "../../hal";
import type { Bias, GpioLines } from "./gpio";
import type { I2cBus } from "./i2c";
import type { TimerApi } from "./timer-api";
import { lineOf } from "./gpio";

export interface OutPin {
  pin: string;
  activeHigh: boolean;
}

/** All relay outputs switched together; opened at once (fail closed). */
export function nodeRelay(gpio: GpioLines, pins: OutPin[]): Relay {
  let closed = false;
  const lines = pins.map((p) => ({ line: lineOf(p.pin), activeHigh: p.activeHigh }));
  function drive(): void {
    for (const p of lines) gpio.output(p.line, closed === p.activeHigh ? 1 : 0);
  }
  drive();
  return {
    set(c) {
      closed = c;
      drive();
    },
    isClosed: () => closed,
  };
}

/**
 * Counts S0 pulses from the kernel's edge events. Debounce by the events' own timestamps: an
 * edge within `debounceMs` of the last counted one is contact bounce (S0 pulses last ≥ 30 ms).
 */
export function nodePulseMeter(gpio: GpioLines, m: { pin: string; edge: string; pull: string; debounceMs: number }): PulseMeter {
  let count = 0;
  let lastNs = -Infinity;
  const bias: Bias = m.pull === "up" ? "pull-up" : m.pull === "down" ? "pull-down" : "disable";
  gpio.watch(lineOf(m.pin), m.edge === "rising" ? "rising" : "falling", bias, (ns) => {
    if (ns - lastNs < m.debounceMs * 1e6) return;
    lastNs = ns;
    count++;
  });
  return { pulses: () => count };
}

/** INA219 registers (TI SBOS448G, 8.6): shunt voltage (10 µV/bit, signed), bus voltage (bits 15..3, 4 mV/bit). */
const SHUNT = 0x01;
const BUS = 0x02;

/**
 * Power from an INA219 on I2C, read without its calibration register: P = V_bus × V_shunt / R.
 * The HAL's milliwatts() is synchronous and I2C is not: the bus is read every `sampleMs` in the
 * background and milliwatts() answers the latest pair; a sensor that stops answering reads 0 W
 * (no energy is counted on a guess) and says so once.
 */
export function ina219Sensor(bus: I2cBus, s: { address: number; shuntMilliohms: number }, sampleMs: number, api: TimerApi, log: (t: string) => void): PowerSensor & { stop(): void } {
  let mw = 0;
  let failing = false;
  let busy = false;
  const take = (shunt: number, busReg: number): void => {
    const shuntUv = (shunt >= 0x8000 ? shunt - 0x10000 : shunt) * 10;
    const busMv = (busReg >>> 3) * 4;
    mw = Math.round((busMv * shuntUv) / (s.shuntMilliohms * 1000));
    if (failing) log("INA219 answers again");
    failing = false;
  };
  const fail = (e: unknown): void => {
    mw = 0;
    if (!failing) log(`INA219 at 0x${s.address.toString(16)} not answering: ${(e as Error).message}`);
    failing = true;
  };
  const poll = async (): Promise<void> => {
    if (bus.readWordNow !== undefined) {
      try {
        take(bus.readWordNow(s.address, SHUNT), bus.readWordNow(s.address, BUS));
      } catch (e) {
        fail(e);
      }
      return;
    }
    if (busy) return;
    busy = true;
    try {
      const shunt = await bus.readWord(s.address, SHUNT);
      take(shunt, await bus.readWord(s.address, BUS));
    } catch (e) {
      fail(e);
    } finally {
      busy = false;
    }
  };
  void poll();
  const t = api.start(sampleMs, () => void poll(), true);
  return { milliwatts: () => mw, stop: () => api.stop(t) };
}
