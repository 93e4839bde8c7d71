/**
 * Clock and timers over Espruino's setInterval/getTime(). getTime() is the RTC, and anyone on
 * the console can step it: `setInterval(function(){setTime(getTime()-0.95)},1000)` made an
 * uptime summed from getTime() deltas run 20x slow, and credit with it (issue 11). Uptime is
 * therefore counted in whole periods of our own interval — Espruino's timers keep their
 * remaining time across setTime() — and getTime() only places the moment within the current
 * period, clamped (MAX_WITHIN_MS): a step can move uptime by at most one period, never accumulate.
 * (On the Linux build a backward setTime() makes timers fire early: uptime then runs fast,
 * which spends credit sooner, never later.)
 */
import type { Clock, Timers } from "../../hal";

/** One counted period. Shorter is more exact under clock steps and costs a wake-up each. */
const PERIOD_MS = 1000;
/**
 * How far into a period getTime() may place "now". More than one period: a callback that
 * crosses the period's end runs before the interval can count it, and a clamp at one period
 * froze the clock under it — the key derivation's 8 ms slices then never ended and the Pico
 * stopped answering (the real-interpreter tier caught it). A forward setTime() can therefore
 * add up to one period, once; a backward one can take nothing.
 */
const MAX_WITHIN_MS = 2 * PERIOD_MS;

export function espruinoClock(): Clock {
  let periods = 0;
  let periodStart = getTime() * 1000;
  let last = 0;
  let wallOffsetS = -1; // wall time = offset + uptime; -1 while unknown
  setInterval(function (): void {
    periods++;
    periodStart = getTime() * 1000;
  }, PERIOD_MS);
  function uptimeMs(): number {
    let within = getTime() * 1000 - periodStart;
    if (within < 0) within = 0;
    if (within > MAX_WITHIN_MS) within = MAX_WITHIN_MS;
    const now = Math.floor(periods * PERIOD_MS + within);
    if (now > last) last = now; // never backwards, even when a step lands inside a period
    return last;
  }
  return {
    uptimeMs: uptimeMs,
    wallTimeS: function (): number {
      return wallOffsetS < 0 ? -1 : Math.floor(wallOffsetS + uptimeMs() / 1000);
    },
    setWallTimeS: function (unixSeconds: number): void {
      wallOffsetS = unixSeconds - uptimeMs() / 1000;
    },
  };
}

export function espruinoTimers(): Timers {
  return {
    every: function (ms: number, fn: () => void): number {
      return setInterval(fn, ms);
    },
    after: function (ms: number, fn: () => void): number {
      return setTimeout(fn, ms);
    },
    cancel: function (handle: number): void {
      // Espruino keeps one table of timers: clearTimeout also clears an interval.
      clearTimeout(handle);
    },
  };
}
