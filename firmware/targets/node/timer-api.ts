/**
 * The one seam between the Node target and time: a monotonic clock and timers. On the Pi it is
 * Node's own (performance.now() is CLOCK_MONOTONIC: setting the system clock, which whoever holds
 * the Pi can do, moves neither uptime nor credit); the simulator and the HAL contract suite pass
 * a virtual one, so the very same HAL code runs on virtual time.
 */

export interface TimerApi {
  /** Milliseconds on a monotonic clock (any origin). */
  now(): number;
  /** Calls `fn` after `ms` (again every `ms` when `repeat`); returns a handle for `stop`. */
  start(ms: number, fn: () => void, repeat: boolean): number;
  stop(handle: number): void;
}

/** Node's clock and timers. Handles are numbers, as the HAL's are (Node's own are objects). */
export function realTimerApi(): TimerApi {
  const live = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    now: () => performance.now(),
    start(ms, fn, repeat) {
      const h = next++;
      if (repeat) {
        live.set(h, setInterval(fn, Math.max(1, ms)));
      } else {
        live.set(h, setTimeout(() => {
          live.delete(h);
          fn();
        }, ms));
      }
      return h;
    },
    stop(h) {
      const t = live.get(h);
      if (t === undefined) return;
      clearTimeout(t); // clears an interval too (Node shares one timer type)
      live.delete(h);
    },
  };
}
