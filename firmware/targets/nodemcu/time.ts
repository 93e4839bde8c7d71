/**
 * Clock and timers over NodeMCU's tmr module. Uptime is counted in whole periods of our own
 * 1 s auto timer (tmr.now() wraps at 2^31 µs on the ESP8266, about every 35 minutes), and
 * tmr.now() only places the moment within the current period, modulo the wrap and clamped, as
 * the Espruino target does with getTime(): nothing a console can set moves it.
 * Timer handles are numbers, as the HAL's are; the tmr objects live in a table.
 */
import type { Clock, Timers } from "../../hal";

const PERIOD_MS = 1000;
const WRAP_US = 2147483648;
const MAX_WITHIN_MS = 2 * PERIOD_MS;

export function nodemcuClock(): Clock {
  let periods = 0;
  let periodStartUs = tmr.now();
  let last = 0;
  let wallOffsetS = -1;
  const t = tmr.create();
  t.alarm(PERIOD_MS, tmr.ALARM_AUTO, function (): void {
    periods++;
    periodStartUs = tmr.now();
  });
  function uptimeMs(): number {
    let d = tmr.now() - periodStartUs;
    if (d < 0) d += WRAP_US;
    let within = Math.floor(d / 1000);
    if (within > MAX_WITHIN_MS) within = MAX_WITHIN_MS;
    const now = periods * PERIOD_MS + within;
    if (now > last) last = now;
    return last;
  }
  // Wrapped: an interface method takes `self` in Lua, a local function does not (TSTL).
  return {
    uptimeMs: function (): number {
      return uptimeMs();
    },
    wallTimeS: function (): number {
      return wallOffsetS < 0 ? -1 : Math.floor(wallOffsetS + uptimeMs() / 1000);
    },
    setWallTimeS: function (unixSeconds: number): void {
      wallOffsetS = unixSeconds - uptimeMs() / 1000;
    },
  };
}

export function nodemcuTimers(): Timers {
  const live: { [h: number]: NodeMcuTimer | undefined } = {};
  let next = 1;
  function start(ms: number, fn: () => void, mode: number): number {
    const h = next;
    next++;
    const t = tmr.create();
    live[h] = t;
    // tmr's shortest interval is 1 ms; after(0) still runs on a later turn of the loop, never inside the caller.
    t.alarm(ms < 1 ? 1 : ms, mode, function (): void {
      if (mode === tmr.ALARM_SINGLE) live[h] = undefined;
      fn();
    });
    return h;
  }
  return {
    every: function (ms: number, fn: () => void): number {
      return start(ms, fn, tmr.ALARM_AUTO);
    },
    after: function (ms: number, fn: () => void): number {
      return start(ms, fn, tmr.ALARM_SINGLE);
    },
    cancel: function (h: number): void {
      const t = live[h];
      if (t !== undefined) {
        t.unregister();
        live[h] = undefined;
      }
    },
  };
}
