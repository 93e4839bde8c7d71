/**
 * The world around one simulated board: a panel under the sky, loads behind the relay, and the
 * S0 meter between them and the board. Each step the world works out the power through the
 * meter, adds the exact energy to its truth, and feeds the pulses that energy makes (one per
 * 1/impPerKWh kWh, the fraction carried over) to the board's meter pin as a pulse train. A
 * board that is off counts nothing, as a real one would not; the truth still counts.
 */
import type { SimBoard } from "../scenario/sim-board";
import { Sky } from "./sky";

/** A load behind the relay: `watts` every day between two times of day ("HH:MM", UTC). */
export interface Load {
  watts: number;
  from: string;
  to: string;
}

export interface WorldOptions {
  /** Unix seconds at simulated time 0. */
  startUnixS: number;
  latitude: number;
  clouds: number;
  panelWp: number;
  loads: Load[];
  /** What the meter measures: the panel's output, or the loads' consumption (only with the relay closed). */
  meter: "panel" | "loads";
  seed: number;
}

export interface MeterPin {
  pin: string;
  impPerKWh: number;
  /** S0 outputs pull the line low for each pulse (open collector with the board's pull-up). */
  activeLow: boolean;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

export class World {
  readonly sky: Sky;
  /** Exact energy through the meter so far, mWh (not quantised to pulses). */
  truthMwh = 0;
  /** Pulses fed to the meter pin (whether the board was on to count them or not). */
  pulses = 0;
  private carry = 0;
  /** (sim ms, truth mWh) once per step, to look the truth up at any instant. */
  private readonly series: number[] = [0, 0];

  constructor(readonly o: WorldOptions) {
    this.sky = new Sky({ latitude: o.latitude, clouds: o.clouds, seed: o.seed });
  }

  /** Panel output in W at simulated time `ms`. */
  panelWatts(ms: number): number {
    return this.o.panelWp * this.sky.irradiance(this.o.startUnixS + ms / 1000);
  }

  /** Demand of the loads in W at `ms` (before the relay). */
  loadWatts(ms: number): number {
    const m = (((this.o.startUnixS + ms / 1000) % 86400) / 60 + 1440) % 1440;
    let w = 0;
    for (const l of this.o.loads) {
      const a = minutes(l.from);
      const b = minutes(l.to);
      if (a <= b ? m >= a && m < b : m >= a || m < b) w += l.watts;
    }
    return w;
  }

  /** Power through the meter in W over a step starting at `ms`. */
  meterWatts(ms: number, relayClosed: boolean): number {
    return this.o.meter === "panel" ? this.panelWatts(ms) : relayClosed ? this.loadWatts(ms) : 0;
  }

  /**
   * One step [fromMs, toMs): energy into the truth, pulses onto the board's meter pin.
   * Power is taken at the step's middle; steps of a minute keep that error far below a pulse.
   */
  step(board: Pick<SimBoard, "pulse" | "setWatts">, meter: MeterPin | undefined, fromMs: number, toMs: number, relayClosed: boolean): void {
    const dt = toMs - fromMs;
    if (dt <= 0) return;
    const watts = this.meterWatts(fromMs + dt / 2, relayClosed);
    const mwh = (watts * dt) / 3600;
    this.truthMwh += mwh;
    this.series.push(toMs, this.truthMwh);
    if (meter === undefined) {
      // A sampling board (a Pi's INA219): the sensor reads this step's power throughout it.
      board.setWatts!(watts);
      return;
    }
    const perPulse = 1e6 / meter.impPerKWh; // mWh per pulse
    this.carry += mwh / perPulse;
    const n = Math.floor(this.carry);
    if (n <= 0) return;
    this.carry -= n;
    this.pulses += n;
    // S0 (IEC 62053-31): a pulse lasts at least 30 ms; 50 ms unless they come faster.
    const width = Math.min(50, dt / n / 2);
    board.pulse(meter.pin, n, dt, { at: fromMs, widthMs: width, activeLow: meter.activeLow });
  }

  /** The truth (mWh) at simulated time `ms`, interpolated between steps. */
  truthAt(ms: number): number {
    const s = this.series;
    let lo = 0;
    let hi = s.length / 2 - 1;
    if (ms >= s[hi * 2]) return s[hi * 2 + 1];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (s[mid * 2] <= ms) lo = mid;
      else hi = mid;
    }
    const t0 = s[lo * 2];
    const t1 = s[hi * 2];
    return s[lo * 2 + 1] + ((s[hi * 2 + 1] - s[lo * 2 + 1]) * (ms - t0)) / Math.max(1, t1 - t0);
  }
}
