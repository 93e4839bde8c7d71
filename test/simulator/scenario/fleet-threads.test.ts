/**
 * A fleet spread over worker threads runs each board exactly as one thread would: the same
 * boards (seeds by index across shard boundaries), every reading verified, none refused —
 * and a board that cannot boot in a shard is an error from runFleet, not a hang.
 */
import { describe, expect, it } from "vitest";
import { ensureFirmware } from "../../../simulator/scenario/artifact";
import { runFleet } from "../../../simulator/scenario/fleet";

const MIN = 60_000;

describe("fleet on worker threads", () => {
  it("5 boards on 1 and on 2 threads: the same readings verified, none refused", { timeout: 120_000 }, async () => {
    const fw = (await ensureFirmware("esp32-devkitc")).code;
    const base = { firmware: fw, board: "esp32-devkitc", devices: 5, durationMs: 20 * MIN, host: "light" as const, seed: 3 };
    const one = await runFleet({ ...base, threads: 1 });
    // The bench's way: a full collection before each memory reading, in the shards too.
    const two = await runFleet({ ...base, threads: 2, collectBeforeMeasuring: true });
    expect(one.verified).toBeGreaterThan(0);
    expect(two.verified).toBe(one.verified);
    expect(two.rejectedForGood).toBe(0);
    expect(two.devices).toBe(5);
    expect(two.deviceHoursPerSecond).toBeGreaterThan(0);
    // Each board holds at least its vm context (~140 KB of V8 built-ins), and nowhere near 10 MB.
    expect(two.heapBytesPerBoard).toBeGreaterThan(100_000);
    expect(two.heapBytesPerBoard).toBeLessThan(10_000_000);
  });

  it("a shard whose boards cannot boot rejects with the reason", { timeout: 60_000 }, async () => {
    await expect(runFleet({ firmware: "throw new Error('no such bundle')", board: "esp32-devkitc", devices: 2, durationMs: MIN, host: "light", threads: 2 })).rejects.toThrow();
  });
});
