/**
 * Clock and timers of the Node target over a TimerApi. Uptime is the monotonic clock since the
 * program started; wall time stays unknown (-1) until an authenticated ack sets it, as on every
 * target: the Pi's system clock is the customer's to set (`date -s`), so it proves nothing.
 */
import type { Clock, Timers } from "../../hal";
import type { TimerApi } from "./timer-api";

export function nodeClock(api: TimerApi): Clock {
  const t0 = api.now();
  let last = 0;
  let wallOffsetS = -1; // wall time = offset + uptime; -1 while unknown
  function uptimeMs(): number {
    const now = Math.floor(api.now() - t0);
    if (now > last) last = now;
    return last;
  }
  return {
    uptimeMs,
    wallTimeS: () => (wallOffsetS < 0 ? -1 : Math.floor(wallOffsetS + uptimeMs() / 1000)),
    setWallTimeS(unixSeconds) {
      wallOffsetS = unixSeconds - uptimeMs() / 1000;
    },
  };
}

export function nodeTimers(api: TimerApi): Timers {
  return {
    every: (ms, fn) => api.start(ms, fn, true),
    after: (ms, fn) => api.start(ms, fn, false),
    cancel: (h) => api.stop(h),
  };
}
