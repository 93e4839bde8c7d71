/**
 * GPIO of an emulated Espruino board: levels, modes, a change log with virtual timestamps,
 * inputs driven by the test or the world (single edges and lazily generated pulse trains), and
 * setWatch/clearWatch as src/jswrap_io.c and jsiIdle() in src/jsinteractive.c define them:
 * options `{repeat=false, edge="both", debounce=0}` (or a boolean for repeat); the callback gets
 * `{state, time, lastTime, pin}` with times in seconds on getTime()'s clock; `lastTime` is the
 * previous change seen by that watch; with a debounce, a change fires only once the level has
 * held for `debounce` ms. Watch ids come from the same "largest id + 1" rule as timers.
 */
import { EspruinoApiError, type EventLoop, type Invoke, type Scheduled } from "./event-loop";

/** A pin as the board file names it, with aliases ("LED1", "BTN1"). */
export type PinSpec = string | { name: string; aliases?: string[] };

/** One level change of a pin; `source` says who drove it. */
export interface PinChange {
  t: number;
  pin: string;
  level: 0 | 1;
  source: "program" | "world" | "power";
}

interface Watch {
  id: number;
  pin: number;
  fn: unknown;
  repeat: boolean;
  /** 1 rising, -1 falling, 0 both. */
  edge: number;
  debounceMs: number;
  lastTime: number | undefined;
  /** Debounced level last reported. */
  state: 0 | 1;
  pending: Scheduled | undefined;
}

export class PinBank {
  readonly names: string[];
  private index: { [name: string]: number } = Object.create(null);
  /** Level the program drives (outputs) and level the world drives (inputs). */
  private out: (0 | 1)[];
  private ext: (0 | 1 | undefined)[];
  private mode: string[];
  private manualMode: boolean[];
  private analog: number[];
  private watches: { [id: number]: Watch } = Object.create(null);
  /** Every level change but a pulse train's (pulse()): outputs, power, single input edges. */
  readonly log: PinChange[] = [];
  private loop: EventLoop;
  private invoke: Invoke;
  private seconds: (ms: number) => number;

  constructor(pins: PinSpec[], loop: EventLoop, invoke: Invoke, seconds: (ms: number) => number) {
    this.names = pins.map((p) => (typeof p === "string" ? p : p.name));
    pins.forEach((p, i) => {
      this.index[typeof p === "string" ? p : p.name] = i;
      if (typeof p !== "string") for (const a of p.aliases ?? []) this.index[a] = i;
    });
    this.out = this.names.map(() => 0);
    this.ext = this.names.map(() => undefined);
    this.mode = this.names.map(() => "input");
    this.manualMode = this.names.map(() => false);
    this.analog = this.names.map(() => 0);
    this.loop = loop;
    this.invoke = invoke;
    this.seconds = seconds;
  }

  /** Every name a program may use as a global (pins and aliases) with its pin number. */
  globals(): [string, number][] {
    return Object.keys(this.index).map((k) => [k, this.index[k]]);
  }

  /**
   * Pin number for a name or number.
   * @throws Error "Unknown pin" for anything else
   */
  resolve(pin: string | number): number {
    const i = typeof pin === "number" ? pin : this.index[pin];
    if (i === undefined || !(i >= 0 && i < this.names.length)) throw new Error(`Unknown pin ${String(pin)}`);
    return i;
  }

  /** The level seen on the pin now: driven output, else the world's input, else the pull. */
  level(pin: number): 0 | 1 {
    const m = this.mode[pin];
    if (m === "output" || m === "opendrain") return this.out[pin];
    const e = this.ext[pin];
    if (e !== undefined) return e;
    return m === "input_pullup" ? 1 : 0;
  }

  /** Power-on state: every pin an input, outputs low, watches gone (the world's inputs stay). */
  reset(): void {
    for (let i = 0; i < this.names.length; i++) {
      const before = this.level(i);
      this.out[i] = 0;
      this.mode[i] = "input";
      this.manualMode[i] = false;
      const after = this.level(i);
      if (after !== before) this.log.push({ t: this.loop.now, pin: this.names[i], level: after, source: "power" });
    }
    for (const k in this.watches) this.loop.cancel(this.watches[k].pending);
    this.watches = Object.create(null);
  }

  // ---- the program's side ---------------------------------------------------------------

  write(pin: number, value: unknown): void {
    if (!this.manualMode[pin]) this.mode[pin] = "output";
    const before = this.level(pin);
    this.out[pin] = value ? 1 : 0;
    const after = this.level(pin);
    if (after !== before) this.log.push({ t: this.loop.now, pin: this.names[pin], level: after, source: "program" });
  }

  read(pin: number): 0 | 1 {
    if (!this.manualMode[pin] && this.mode[pin] !== "input_pullup" && this.mode[pin] !== "input_pulldown") this.mode[pin] = "input";
    return this.level(pin);
  }

  setMode(pin: number, mode: string | undefined, automatic: boolean): void {
    this.mode[pin] = mode === undefined || mode === "auto" ? "input" : mode;
    this.manualMode[pin] = !automatic && mode !== undefined && mode !== "auto";
  }

  getMode(pin: number): string {
    return this.mode[pin];
  }

  analogRead(pin: number): number {
    if (!this.manualMode[pin]) this.mode[pin] = "analog";
    return this.analog[pin];
  }

  /** setWatch; returns the id. */
  watch(fn: unknown, pin: number, opts: unknown): number {
    if (typeof fn !== "function" && typeof fn !== "string") throw new EspruinoApiError("Function or String not supplied!");
    let repeat = false;
    let edge = 0;
    let debounceMs = 0;
    if (opts !== null && typeof opts === "object") {
      const o = opts as { repeat?: unknown; edge?: unknown; debounce?: unknown };
      repeat = !!o.repeat;
      debounceMs = Number(o.debounce);
      if (!(debounceMs > 0)) debounceMs = 0;
      if (o.edge === "rising") edge = 1;
      else if (o.edge === "falling") edge = -1;
      else if (o.edge !== undefined && o.edge !== "both") {
        throw new TypeError("'edge' in setWatch should be a string - either 'rising', 'falling' or 'both'");
      }
    } else repeat = !!opts;
    let max = 0;
    for (const k in this.watches) if (Number(k) > max) max = Number(k);
    const w: Watch = { id: max + 1, pin, fn, repeat, edge, debounceMs, lastTime: undefined, state: this.level(pin), pending: undefined };
    this.watches[w.id] = w;
    return w.id;
  }

  /**
   * clearWatch; no id clears all.
   * @throws EspruinoApiError "Unknown Watch"
   */
  clearWatch(id: unknown): void {
    if (id === undefined) {
      for (const k in this.watches) this.loop.cancel(this.watches[k].pending);
      this.watches = Object.create(null);
      return;
    }
    const w = this.watches[Number(id)];
    if (!w) throw new EspruinoApiError("Unknown Watch");
    this.loop.cancel(w.pending);
    delete this.watches[w.id];
  }

  watchCount(): number {
    return Object.keys(this.watches).length;
  }

  // ---- the world's side -----------------------------------------------------------------

  /** Drives an input to `level` at virtual time `at` (default now). */
  setInput(pin: string | number, level: 0 | 1 | boolean, at?: number): void {
    const i = this.resolve(pin);
    const v: 0 | 1 = level ? 1 : 0;
    this.loop.schedule(at ?? this.loop.now, () => this.applyInput(i, v));
  }

  /** Sets the value analogRead returns (0..1, as Espruino scales it). */
  setAnalog(pin: string | number, value: number): void {
    this.analog[this.resolve(pin)] = value;
  }

  /**
   * `count` pulses spread evenly over `overMs` from `at`: each goes to the active level for
   * `widthMs`, then back. Edges are generated one at a time, so a long train costs no memory;
   * nor are they kept in the change log (`log`): a panel's meter makes ~1,000 edges an hour,
   * and a fleet's boards kept them all (a quarter of its collector's time), though the train's
   * arguments say every one of them.
   */
  pulse(pin: string | number, count: number, overMs: number, opts: { at?: number; widthMs?: number; activeLow?: boolean } = {}): void {
    const i = this.resolve(pin);
    if (!(count > 0)) return;
    const period = overMs / count;
    const width = Math.min(opts.widthMs ?? Math.min(period / 2, 50), period / 2);
    const active: 0 | 1 = (opts.activeLow ?? true) ? 0 : 1;
    const start = opts.at ?? this.loop.now;
    let n = 0;
    const step = (edge: 0 | 1) => {
      this.applyInput(i, edge === 0 ? active : ((1 - active) as 0 | 1), false);
      if (edge === 0) this.loop.schedule(start + n * period + width, () => step(1));
      else if (++n < count) this.loop.schedule(start + n * period, () => step(0));
    };
    this.ext[i] = (1 - active) as 0 | 1;
    this.loop.schedule(start, () => step(0));
  }

  private applyInput(pin: number, v: 0 | 1, logged = true): void {
    const before = this.level(pin);
    this.ext[pin] = v;
    const after = this.level(pin);
    if (after === before) return;
    if (logged) this.log.push({ t: this.loop.now, pin: this.names[pin], level: after, source: "world" });
    const ids = Object.keys(this.watches).map(Number).sort((a, b) => a - b);
    for (const id of ids) {
      const w = this.watches[id];
      if (w && w.pin === pin) this.edge(w, after);
    }
  }

  private edge(w: Watch, level: 0 | 1): void {
    if (w.debounceMs <= 0) {
      w.state = level;
      return this.fireWatch(w, level, this.loop.now);
    }
    this.loop.cancel(w.pending);
    w.pending = undefined;
    if (level === w.state) return;
    const changedAt = this.loop.now;
    w.pending = this.loop.schedule(changedAt + w.debounceMs, () => {
      w.pending = undefined;
      if (this.watches[w.id] !== w) return;
      w.state = level;
      this.fireWatch(w, level, changedAt);
    });
  }

  private fireWatch(w: Watch, level: 0 | 1, atMs: number): void {
    const time = this.seconds(atMs);
    const lastTime = w.lastTime;
    w.lastTime = time;
    if (!(w.edge === 0 || (w.edge > 0 && level === 1) || (w.edge < 0 && level === 0))) return;
    if (!w.repeat) delete this.watches[w.id];
    this.invoke(`watch ${this.names[w.pin]}`, w.fn, [{ state: level === 1, time, lastTime, pin: this.names[w.pin] }]);
  }

  /** The level a pin had at virtual time `t`, from the change log (0 before any change). */
  levelAt(pin: string, t: number): 0 | 1 {
    const name = this.names[this.resolve(pin)];
    let last: 0 | 1 = 0;
    for (const c of this.log) {
      if (c.t > t) break;
      if (c.pin === name) last = c.level;
    }
    return last;
  }
}
