/**
 * Clock and timers over Espruino's getTime()/setInterval. getTime() is the RTC: tools may step
 * it (EspruinoTools sends setTime() on connect), so uptime is accumulated from its deltas and
 * a step — backwards, or forward by more than any real gap between two reads — counts as zero.
 * The main tick reads the clock every second, so real gaps stay far below MAX_GAP_MS.
 */
import type { Clock, Timers } from "../../hal";

/** Longer than any event-loop stall the watchdog allows (it resets the board first). */
const MAX_GAP_MS = 120000;

export function espruinoClock(): Clock {
  let last = getTime() * 1000;
  let uptime = 0;
  let wallOffsetS = -1; // wall time = offset + uptime; -1 while unknown
  function uptimeMs(): number {
    const now = getTime() * 1000;
    const d = now - last;
    last = now;
    if (d > 0 && d < MAX_GAP_MS) uptime += d;
    return Math.floor(uptime);
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
