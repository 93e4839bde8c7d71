/**
 * The HAL contract (firmware/hal.ts), written once and run against every implementation:
 * the tests' fake HAL (fake.test.ts) and the Espruino target on the emulated board
 * (espruino.test.ts); each future target (NodeMCU, Node on a Pi) adds one file that builds a
 * HalSubject. A case here states what the firmware relies on, not how one target does it.
 */
import { describe, expect, it } from "vitest";
import type { Clock, Link, PulseMeter, Relay, Store, Timers } from "../../firmware/hal";

/** One implementation under test, with the levers a test needs around it. */
export interface HalSubject {
  clock: Clock;
  timers: Timers;
  relay: Relay;
  meter: PulseMeter;
  store: Store;
  link: Link;
  /** Moves virtual time on, running what falls due. */
  advance(ms: number): void;
  /** `n` pulses on the meter's input, and time for them to be counted. */
  pulse(n: number): void;
  /** Whether the load is powered, read from the output itself (the pin), not from the HAL. */
  loadPowered(): boolean;
  /** A downlink body arrives the way the target receives one. */
  deliver(body: string): void;
  /** Lines the link has put on the wire so far. */
  sent(): string[];
  /** What a console's setTime() does: steps the board's real-time clock by `seconds`. */
  stepRtc(seconds: number): void;
  /** A byte array as the implementation's own code would make it. */
  bytes(values: number[]): Uint8Array;
  /** Arms a power cut after `n` more programmed bytes of flash. */
  cutAfter(n: number): void;
  /** Power back on with the same flash: a fresh HAL. */
  reboot(): Promise<HalSubject>;
}

const hex = (b: Uint8Array | undefined) => (b === undefined ? "none" : Buffer.from(Array.from(b)).toString("hex"));

export function halContract(name: string, make: () => Promise<HalSubject>): void {
  describe(`HAL contract: ${name}`, () => {
    describe("Store", () => {
      it("reads what was written, whole, and a write replaces the file", async () => {
        const h = await make();
        expect(h.store.read("sk.none")).toBeUndefined();
        expect(h.store.write("sk.t", h.bytes([0, 1, 255, 0, 7]))).toBe(true);
        expect(hex(h.store.read("sk.t"))).toBe("0001ff0007");
        expect(h.store.write("sk.t", h.bytes([9, 9]))).toBe(true);
        expect(hex(h.store.read("sk.t"))).toBe("0909");
        h.store.erase("sk.t");
        expect(h.store.read("sk.t")).toBeUndefined();
      });

      it("creates files erased to 0xff and fills them in place, over erased bytes only", async () => {
        const h = await make();
        const free = h.store.free();
        expect(h.store.create("sk.c", 64)).toBe(true);
        expect(h.store.free()).toBeLessThanOrEqual(free - 64);
        expect(hex(h.store.read("sk.c"))).toBe("ff".repeat(64));
        expect(h.store.writeAt("sk.c", 0, h.bytes([1, 2, 3]))).toBe(true); // a file's first record
        expect(h.store.writeAt("sk.c", 10, h.bytes([4, 5]))).toBe(true);
        expect(hex(h.store.read("sk.c"))).toBe("010203" + "ff".repeat(7) + "0405" + "ff".repeat(52));
        // Over programmed bytes, past the end, or into no file: refused, and nothing changes.
        expect(h.store.writeAt("sk.c", 11, h.bytes([0, 0]))).toBe(false);
        expect(h.store.writeAt("sk.c", 63, h.bytes([0, 0]))).toBe(false);
        expect(h.store.writeAt("sk.missing", 0, h.bytes([0]))).toBe(false);
        expect(hex(h.store.read("sk.c"))).toBe("010203" + "ff".repeat(7) + "0405" + "ff".repeat(52));
      });

      it("a full store answers false, never throws", async () => {
        const h = await make();
        const tooBig = h.store.free() + 4096;
        expect(h.store.create("sk.big", tooBig)).toBe(false);
        expect(h.store.write("sk.big2", h.bytes(new Array(Math.min(tooBig, 1 << 21)).fill(1)))).toBe(false);
      });

      it("a power cut during an in-place write keeps a prefix of it, at every byte", async () => {
        const data = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08];
        for (let k = 0; k < data.length; k++) {
          const h = await make();
          expect(h.store.create("sk.p", 32)).toBe(true);
          h.cutAfter(k);
          let wrote: boolean | "threw" = "threw";
          try {
            wrote = h.store.writeAt("sk.p", 8, h.bytes(data));
          } catch {
            // a target may die inside the write; what counts is the flash after the reboot
          }
          expect(wrote).not.toBe(true);
          const after = await h.reboot();
          const got = after.store.read("sk.p");
          expect(hex(got)).toBe("ff".repeat(8) + hex(Uint8Array.from(data.slice(0, k))) + "ff".repeat(24 - k));
        }
      });
    });

    describe("Clock", () => {
      // An RTC step may move uptime by at most one counting period (1 s) once, never accumulate:
      // the Espruino clock places "now" within its period by getTime() (firmware/targets/espruino/time.ts).
      it("uptime moves with time and never backwards, whatever the RTC is set to", async () => {
        const h = await make();
        const t0 = h.clock.uptimeMs();
        h.advance(1500);
        const t1 = h.clock.uptimeMs();
        expect(t1 - t0).toBeGreaterThanOrEqual(1499);
        expect(t1 - t0).toBeLessThanOrEqual(1501);
        h.stepRtc(-3600); // a console setting the clock back an hour
        h.advance(1000);
        const t2 = h.clock.uptimeMs();
        h.stepRtc(86400); // and a day forward
        h.advance(1000);
        const t3 = h.clock.uptimeMs();
        expect(t2 - t1).toBeGreaterThanOrEqual(0);
        expect(t2 - t1).toBeLessThanOrEqual(1001);
        expect(t3 - t2).toBeGreaterThanOrEqual(0);
        expect(t3 - t2).toBeLessThanOrEqual(2001);
      });

      it("uptime keeps pace when the RTC is stepped back a little every second (the credit-stretch attack)", async () => {
        const h = await make();
        const t0 = h.clock.uptimeMs();
        for (let i = 0; i < 60; i++) {
          h.advance(1000);
          h.clock.uptimeMs();
          h.stepRtc(-0.95);
        }
        const spent = h.clock.uptimeMs() - t0;
        expect(spent).toBeGreaterThanOrEqual(59_000);
        expect(spent).toBeLessThanOrEqual(60_001);
      });

      it("wall time is unknown until set, then follows uptime", async () => {
        const h = await make();
        expect(h.clock.wallTimeS()).toBe(-1);
        h.clock.setWallTimeS(1_790_000_000);
        expect(Math.abs(h.clock.wallTimeS() - 1_790_000_000)).toBeLessThanOrEqual(1);
        h.advance(5000);
        expect(Math.abs(h.clock.wallTimeS() - 1_790_000_005)).toBeLessThanOrEqual(1);
      });
    });

    describe("Timers", () => {
      it("after() fires once when due, every() repeats, cancel() stops either", async () => {
        const h = await make();
        const log: string[] = [];
        h.timers.after(100, () => log.push("once"));
        const every = h.timers.every(50, () => log.push("tick"));
        const cancelled = h.timers.after(120, () => log.push("cancelled"));
        h.timers.cancel(cancelled);
        h.advance(90);
        expect(log).toEqual(["tick"]);
        h.advance(20);
        expect(log.filter((l) => l === "once")).toHaveLength(1);
        h.advance(100);
        expect(log.filter((l) => l === "tick")).toHaveLength(4);
        h.timers.cancel(every);
        h.advance(500);
        expect(log.filter((l) => l === "tick")).toHaveLength(4);
        expect(log).not.toContain("cancelled");
      });

      it("after(0) runs once the loop is free, not inside the caller", async () => {
        const h = await make();
        let ran = false;
        h.timers.after(0, () => (ran = true));
        expect(ran).toBe(false);
        h.advance(1);
        expect(ran).toBe(true);
      });
    });

    describe("Relay", () => {
      it("starts open (load off) and the output follows set()", async () => {
        const h = await make();
        expect(h.relay.isClosed()).toBe(false);
        expect(h.loadPowered()).toBe(false);
        h.relay.set(true);
        expect([h.relay.isClosed(), h.loadPowered()]).toEqual([true, true]);
        h.relay.set(false);
        expect([h.relay.isClosed(), h.loadPowered()]).toEqual([false, false]);
      });
    });

    describe("PulseMeter", () => {
      it("counts each pulse once and only grows", async () => {
        const h = await make();
        const p0 = h.meter.pulses();
        h.pulse(5);
        expect(h.meter.pulses()).toBe(p0 + 5);
        h.advance(1000);
        expect(h.meter.pulses()).toBe(p0 + 5);
        h.pulse(1);
        expect(h.meter.pulses()).toBe(p0 + 6);
      });
    });

    describe("Link", () => {
      it("sends whole lines and hands each downlink body to the handler as it came", async () => {
        const h = await make();
        const got: string[] = [];
        h.link.onReceive((b) => got.push(b));
        h.link.send("@SK1:AAAA*1234");
        expect(h.sent()).toContain("@SK1:AAAA*1234");
        h.deliver("QUJD*beef");
        expect(got).toEqual(["QUJD*beef"]);
        expect(typeof h.link.isUp()).toBe("boolean");
      });
    });
  });
}
