/**
 * Espruino's event loop on virtual time. Nothing happens by itself: `advance(ms)` moves the
 * clock and runs everything that falls due, in time order (ties in the order they were
 * scheduled), so a simulated day takes as long as its callbacks take to run.
 *
 * Timers follow src/jswrap_interactive.c and jsiIdle() in src/jsinteractive.c:
 * - an interval's next run is its previous due time plus the interval (no drift);
 * - clearTimeout and clearInterval share one table; an unknown id throws "Unknown Timeout" /
 *   "Unknown Interval"; no argument clears every timer;
 * - ids come from jsvArrayAddToEnd(timers, t, 1) - 1: one more than the largest id in use, so
 *   they start at 1 and are REUSED once the table empties (a stale id can clear a new timer);
 * - changeInterval restarts the period from now;
 * - a callback that throws is reported and an interval keeps running (only Ctrl-C removes it).
 *
 * Each callback's wall-clock time is measured: the longest one is the "longest event-loop
 * block", what the watchdog, MQTT keepalive and the console would suffer on a board.
 */

/** One scheduled thing: a JS timer, an input edge, the watchdog deadline. */
export interface Scheduled {
  at: number;
  /** Tie-break at equal times: I/O first (0), then timers by id, as jsiIdle() walks them. */
  order: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

interface Timer {
  id: number;
  /** "timer <id>", made once: a fleet fires millions of callbacks. */
  what: string;
  entry: Scheduled;
  fn: unknown;
  args: unknown[];
  /** 0 for a timeout. */
  interval: number;
}

/** Runs one JS callback (measured, errors reported); supplied by the board. */
export type Invoke = (what: string, fn: unknown, args: unknown[]) => void;

export interface LoopStats {
  /** JS callbacks run (timers, watches, sockets, console lines). */
  callbacks: number;
  /** The longest single callback, wall-clock ms. */
  longestBlockMs: number;
  /** Virtual time (ms) when it ran, and what it was ("timer 3", "watch D25", ...). */
  longestBlockAt: number;
  longestBlockWhat: string;
  /** Wall-clock ms spent in callbacks altogether. */
  totalBlockMs: number;
}

/** Thrown into JS for Espruino's jsExceptionHere(JSET_ERROR, ...) from a host function. */
export class EspruinoApiError extends Error {}

/** Espruino's TIMER_MIN_INTERVAL is tiny; a zero interval would stall virtual time. */
const MIN_INTERVAL_MS = 0.1;

export class EventLoop {
  /** Virtual time in ms since the board was made (it does not restart at power-on). */
  now = 0;
  readonly stats: LoopStats = { callbacks: 0, longestBlockMs: 0, longestBlockAt: 0, longestBlockWhat: "", totalBlockMs: 0 };
  private heap: Scheduled[] = [];
  private seq = 0;
  private timers: { [id: number]: Timer } = Object.create(null);
  private invoke: Invoke;

  constructor(invoke: Invoke) {
    this.invoke = invoke;
  }

  /** Runs `run` at virtual time `at` (clamped to now). Cancel with `cancel`. */
  schedule(at: number, run: () => void, order = 0): Scheduled {
    const e: Scheduled = { at: Math.max(at, this.now), order, seq: this.seq++, run, cancelled: false };
    this.push(e);
    return e;
  }

  cancel(e: Scheduled | undefined): void {
    if (e) e.cancelled = true;
  }

  /** Time of the next live entry, or Infinity. */
  nextAt(): number {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0].at : Infinity;
  }

  /**
   * Moves virtual time forward by `ms`, running what falls due in order. `stop` is checked
   * after each entry (the board powers off mid-advance); time then stays where it stopped.
   */
  advance(ms: number, stop?: () => boolean): void {
    const target = this.now + Math.max(0, ms);
    while (this.nextAt() <= target) {
      const e = this.pop();
      this.now = Math.max(this.now, e.at);
      e.run();
      if (stop && stop()) return;
    }
    this.now = target;
  }

  /** Records one callback's wall-clock duration. */
  recordBlock(ms: number, what: string): void {
    this.stats.callbacks++;
    this.stats.totalBlockMs += ms;
    if (ms > this.stats.longestBlockMs) {
      this.stats.longestBlockMs = ms;
      this.stats.longestBlockAt = this.now;
      this.stats.longestBlockWhat = what;
    }
  }

  // ---- JS timers ------------------------------------------------------------------------

  /** setTimeout / setInterval; returns the id the program sees. */
  setTimer(fn: unknown, ms: number, args: unknown[], repeat: boolean): number {
    if (typeof fn !== "function" && typeof fn !== "string") throw new EspruinoApiError("Function or String not supplied!");
    let period = Number(ms);
    if (!(period >= 0)) period = 0;
    if (repeat && period < MIN_INTERVAL_MS) period = MIN_INTERVAL_MS;
    const id = this.freeTimerId();
    const t: Timer = { id, what: `timer ${id}`, fn, args, interval: repeat ? period : 0, entry: undefined as unknown as Scheduled };
    t.entry = this.schedule(this.now + period, () => this.fire(t), id);
    this.timers[id] = t;
    return id;
  }

  private freeTimerId(): number {
    let max = 0;
    for (const k in this.timers) if (Number(k) > max) max = Number(k);
    return max + 1;
  }

  private fire(t: Timer): void {
    if (t.interval === 0) delete this.timers[t.id];
    const entry = t.entry;
    this.invoke(t.what, t.fn, t.args);
    // Still the same live interval (not cleared, not changed by the callback itself): next
    // period, in the same entry (it was taken off the heap; one object less per period).
    if (t.interval > 0 && this.timers[t.id] === t && t.entry === entry && !entry.cancelled) {
      entry.at = Math.max(entry.at + t.interval, this.now);
      entry.seq = this.seq++;
      this.push(entry);
    }
  }

  /**
   * clearTimeout / clearInterval. No id: clears all.
   * @throws EspruinoApiError "Unknown Timeout" / "Unknown Interval" for an id not in use
   */
  clearTimer(id: unknown, isTimeout: boolean): void {
    if (id === undefined) return this.clearAllTimers();
    const t = typeof id === "number" || typeof id === "string" ? this.timers[Number(id)] : undefined;
    if (!t) throw new EspruinoApiError(isTimeout ? "Unknown Timeout" : "Unknown Interval");
    t.entry.cancelled = true;
    delete this.timers[t.id];
  }

  /**
   * changeInterval: the new period counts from now.
   * @throws EspruinoApiError "Unknown Interval"
   */
  changeInterval(id: unknown, ms: number): void {
    const t = typeof id === "number" || typeof id === "string" ? this.timers[Number(id)] : undefined;
    if (!t) throw new EspruinoApiError("Unknown Interval");
    let period = Number(ms);
    if (!(period >= MIN_INTERVAL_MS)) period = MIN_INTERVAL_MS;
    t.entry.cancelled = true;
    if (t.interval > 0) t.interval = period;
    t.entry = this.schedule(this.now + period, () => this.fire(t), t.id);
  }

  clearAllTimers(): void {
    for (const k in this.timers) this.timers[k].entry.cancelled = true;
    this.timers = Object.create(null);
  }

  /** Number of live JS timers. */
  timerCount(): number {
    return Object.keys(this.timers).length;
  }

  // ---- binary heap on (at, seq) ---------------------------------------------------------

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && (a.order < b.order || (a.order === b.order && a.seq < b.seq)));
  }

  private push(e: Scheduled): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      const x = h[i];
      h[i] = h[p];
      h[p] = x;
      i = p;
    }
  }

  private pop(): Scheduled {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Scheduled;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        const x = h[i];
        h[i] = h[m];
        h[m] = x;
        i = m;
      }
    }
    return top;
  }
}
