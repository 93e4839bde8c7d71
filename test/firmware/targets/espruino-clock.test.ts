/**
 * The Espruino clock (firmware/targets/espruino/time.ts) under V8 with getTime/setTime and
 * setInterval faked: the cases the emulated board cannot show, because its time stands still
 * during synchronous code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../firmware/hal";

let rtcMs = 0; // what getTime() reports, in ms (setTime moves it)
let tick: (() => void) | undefined;
let espruinoClock: () => Clock;
const saved = { getTime: (globalThis as any).getTime, setInterval: globalThis.setInterval };

beforeAll(async () => {
  (globalThis as any).getTime = () => rtcMs / 1000;
  (globalThis as any).setInterval = (fn: () => void) => {
    tick = fn;
    return 1;
  };
  // A computed path: the module type-checks against espruino.d.ts, not this project's Node types.
  const target = "../../../firmware/targets/espruino/";
  espruinoClock = ((await import(`${target}time`)) as { espruinoClock: () => Clock }).espruinoClock;
});
afterAll(() => {
  (globalThis as any).getTime = saved.getTime;
  globalThis.setInterval = saved.setInterval;
});

describe("espruinoClock", () => {
  it("keeps moving inside a callback that crosses the end of a period (the interval cannot run yet)", () => {
    rtcMs = 0;
    const clock = espruinoClock();
    rtcMs = 995;
    const t0 = clock.uptimeMs();
    rtcMs = 1_040; // the interval is due, but a slice of work is still running
    expect(clock.uptimeMs() - t0).toBe(45); // a clamp at one period froze this at 5: the slice never ended
    tick!(); // the interval, late by 40 ms
    rtcMs = 2_000;
    tick!();
    expect(clock.uptimeMs()).toBe(2_000);
  });

  it("a setTime() back by 0.95 s every second costs nothing; forward by a day adds at most one period once", () => {
    rtcMs = 0;
    const clock = espruinoClock();
    for (let s = 0; s < 60; s++) {
      rtcMs += 1000;
      tick!();
      clock.uptimeMs();
      rtcMs -= 950; // setTime(getTime() - 0.95)
    }
    expect(clock.uptimeMs()).toBe(60_000);
    rtcMs += 86_400_000;
    const jumped = clock.uptimeMs();
    expect(jumped - 60_000).toBeLessThanOrEqual(2_000);
    for (let s = 0; s < 5; s++) {
      rtcMs += 1000;
      tick!();
    }
    expect(clock.uptimeMs()).toBeGreaterThanOrEqual(jumped);
    expect(clock.uptimeMs()).toBeLessThanOrEqual(65_000 + 1_000);
  });
});
