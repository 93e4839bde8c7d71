/**
 * Energy registers from the meter input: integer mWh that never decrease, with the fraction
 * of a mWh carried (and persisted) so that no pulse and no sample is rounded away.
 *
 * - Pulse meter (S0): one pulse is 10^6 / impPerKwh mWh (1000 imp/kWh → 1000 mWh). The
 *   fraction is kept in units of 1/impPerKwh mWh, so a 3200 imp/kWh meter stays exact.
 * - Power sensor: milliwatts integrated over time (rectangle rule per sample); the fraction
 *   is kept in mW·ms (1 mWh = 3 600 000 mW·ms). Positive power counts as import, negative
 *   as export (PROTOCOL.md section 2).
 *
 * Portable code: see docs/portability.md.
 */
import type { Hal } from "./hal";

/** mW·ms in one mWh. */
const MWMS_PER_MWH = 3600000;
const I32_MAX = 2147483647;

/** Registers as persisted (state.ts fields of the same names). */
export interface Registers {
  energyIn: number;
  energyOut: number;
  residueIn: number;
  residueOut: number;
}

/** Mean power over the interval just closed, and its length. */
export interface IntervalPower {
  powerMw: number;
  ms: number;
}

function clampI32(v: number): number {
  if (v > I32_MAX) return I32_MAX;
  if (v < -I32_MAX - 1) return -I32_MAX - 1;
  return v;
}

/** Counts energy from hal.meter (pulses) or hal.sensor (sampled power). */
export class EnergyMeter {
  energyIn: number;
  energyOut: number;
  residueIn: number;
  residueOut: number;
  private lastPulses: number;
  private lastSampleMs: number;
  private intervalStartMs: number;
  /** Pulses (pulse meter) or signed mW·ms (sensor) since the interval started. */
  private intervalAmount = 0;

  constructor(
    private readonly hal: Hal,
    private readonly impPerKwh: number,
    private readonly sampleMs: number,
    restored: Registers,
  ) {
    this.energyIn = restored.energyIn;
    this.energyOut = restored.energyOut;
    this.residueIn = restored.residueIn;
    this.residueOut = restored.residueOut;
    const now = hal.clock.uptimeMs();
    this.lastPulses = hal.meter !== undefined ? hal.meter.pulses() : 0;
    this.lastSampleMs = now;
    this.intervalStartMs = now;
  }

  /** Takes in new pulses, or a new sample when `sampleMs` has passed. Call it from the main tick. */
  update(): void {
    const now = this.hal.clock.uptimeMs();
    if (this.hal.meter !== undefined) {
      const p = this.hal.meter.pulses();
      const delta = p - this.lastPulses;
      if (delta <= 0) return;
      this.lastPulses = p;
      this.intervalAmount += delta;
      const units = this.residueIn + delta * 1000000;
      this.energyIn += Math.floor(units / this.impPerKwh);
      this.residueIn = units % this.impPerKwh;
    } else if (this.hal.sensor !== undefined) {
      const dt = now - this.lastSampleMs;
      if (dt < this.sampleMs) return;
      this.lastSampleMs = now;
      const mw = Math.round(this.hal.sensor.milliwatts());
      this.intervalAmount += mw * dt;
      if (mw >= 0) {
        const units = this.residueIn + mw * dt;
        this.energyIn += Math.floor(units / MWMS_PER_MWH);
        this.residueIn = units % MWMS_PER_MWH;
      } else {
        const units = this.residueOut - mw * dt;
        this.energyOut += Math.floor(units / MWMS_PER_MWH);
        this.residueOut = units % MWMS_PER_MWH;
      }
    }
  }

  /** Closes the interval: mean power in mW since the last call (or boot), and its length. */
  takeInterval(): IntervalPower {
    this.update();
    const now = this.hal.clock.uptimeMs();
    const ms = now - this.intervalStartMs;
    let power = 0;
    if (ms > 0) {
      // Pulses: mWh = n·10^6/imp, mW = mWh·3.6e6/ms. Sensor: mW = (mW·ms)/ms.
      power = this.hal.meter !== undefined
        ? Math.round((this.intervalAmount * 1000000 / this.impPerKwh) * MWMS_PER_MWH / ms)
        : Math.round(this.intervalAmount / ms);
    }
    this.intervalStartMs = now;
    this.intervalAmount = 0;
    return { powerMw: clampI32(power), ms: ms };
  }

  /** The registers as persisted. */
  registers(): Registers {
    return { energyIn: this.energyIn, energyOut: this.energyOut, residueIn: this.residueIn, residueOut: this.residueOut };
  }
}
