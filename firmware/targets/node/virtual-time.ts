/**
 * A TimerApi on virtual time, for the simulator and the tests: nothing runs until `advance`,
 * which runs what falls due in time order (a callback may start or stop timers). Same rules as
 * Node's timers: after(0) runs on the next turn, never inside the caller.
 */
import type { TimerApi } from "./timer-api";

interface Due {
  at: number;
  every: number;
  fn: () => void;
  order: number;
}

export interface VirtualTime extends TimerApi {
  advance(ms: number): void;
}

export function virtualTime(startMs = 0): VirtualTime {
  let now = startMs;
  let order = 0;
  let next = 1;
  const timers = new Map<number, Due>();
  function earliest(limit: number): [number, Due] | undefined {
    let best: [number, Due] | undefined = undefined;
    for (const e of timers) {
      const d = e[1];
      if (d.at > limit) continue;
      if (best === undefined || d.at < best[1].at || (d.at === best[1].at && d.order < best[1].order)) best = e;
    }
    return best;
  }
  return {
    now: () => now,
    start(ms, fn, repeat) {
      const h = next++;
      const wait = Math.max(repeat ? 1 : 0, ms);
      timers.set(h, { at: now + Math.max(wait, 0.001), every: repeat ? wait : 0, fn, order: order++ });
      return h;
    },
    stop(h) {
      timers.delete(h);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const e = earliest(end);
        if (e === undefined) break;
        const [h, d] = e;
        now = Math.max(now, d.at);
        if (d.every > 0) {
          d.at += d.every;
          d.order = order++;
        } else timers.delete(h);
        d.fn();
      }
      now = end;
    },
  };
}
