/** fast-check generators for protocol fields (test-only). */
import fc from "fast-check";
import type { Reading } from "../../../shared/protocol/reading";
import type { ConfigEntry } from "../../../shared/protocol/token";

export const bytesN = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

export const readingArb: fc.Arbitrary<Reading> = fc.record({
  flags: fc.integer({ min: 0, max: 0x1f }),
  timeQuality: fc.integer({ min: 0, max: 2 }),
  relay: fc.integer({ min: 0, max: 1 }),
  outbox: fc.integer({ min: 0, max: 65535 }),
  deviceId: bytesN(32),
  seq: u32,
  dropped: u32,
  time: u32,
  uptime: u32,
  boot: u32,
  interval: u32,
  energyIn: u53,
  energyOut: u53,
  power: fc.integer({ min: -2147483648, max: 2147483647 }),
  credit: u32,
  prev: bytesN(32),
});

const RANGES: [number, number, number][] = [[1, 1, 86400], [2, 1, 65535], [3, 0, 0xffffffff]];

/** A canonical config: a non-empty ascending subset of the known keys with in-range values. */
export const configArb: fc.Arbitrary<ConfigEntry[]> = fc
  .subarray(RANGES, { minLength: 1 })
  .chain((keys) => fc.tuple(...keys.map(([k, lo, hi]) => fc.integer({ min: lo, max: hi }).map((value) => ({ key: k, value })))));

export const tokenArb = fc.oneof(
  fc.record({ tokenKind: fc.constant(1), amount: fc.integer({ min: 1, max: 0xffffffff }), config: fc.constant<ConfigEntry[]>([]) }),
  fc.record({ tokenKind: fc.constant(2), amount: u32, config: fc.constant<ConfigEntry[]>([]) }),
  fc.record({ tokenKind: fc.constantFrom(3, 4), amount: fc.constant(0), config: fc.constant<ConfigEntry[]>([]) }),
  fc.record({ tokenKind: fc.constant(5), amount: fc.constant(0), config: configArb }),
).chain((t) => fc.record({ deviceId: bytesN(32), counter: fc.integer({ min: 1, max: 0xffffffff }) }).map((r) => ({ ...t, ...r })));
