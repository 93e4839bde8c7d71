/**
 * The "small" build profile's modules (toolchain/firmware-profile.ts) swapped in for the
 * table-based base multiplication and the unrolled field multiplication, exactly as `solkit
 * build` swaps them: the signer must still equal tweetnacl byte for byte, at every budget,
 * with every step within max(budget, MAX_UNIT_COST).
 */
import fc from "fast-check";
import nacl from "tweetnacl";
import { describe, expect, it, vi } from "vitest";
import { toHex } from "../../../../shared/bytes";
import {
  DEFAULT_BUDGET,
  MAX_UNIT_COST,
  createSigner,
  fieldMulCount,
  publicKeyFromSeed,
  resetFieldMulCount,
  signNow,
  startSigning,
} from "../../../../shared/crypto/ed25519";
import * as baseMul from "../../../../shared/crypto/ed25519/base-mul";
import * as fieldMul from "../../../../shared/crypto/ed25519/field-mul";
import * as smallBaseMul from "../../../../shared/crypto/ed25519/base-mul-small";
import * as smallFieldMul from "../../../../shared/crypto/ed25519/field-mul-small";
import { pointBase, pointPack, scalarMulLadder } from "../../../../shared/crypto/ed25519/point";
import type { SigningJob } from "../../../../shared/crypto/types";

vi.mock("../../../../shared/crypto/ed25519/base-mul", () => import("../../../../shared/crypto/ed25519/base-mul-small"));
vi.mock("../../../../shared/crypto/ed25519/field-mul", () => import("../../../../shared/crypto/ed25519/field-mul-small"));

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ minLength: 0, maxLength: 300 });
const naclSign = (seed: Uint8Array, m: Uint8Array): string => toHex(nacl.sign.detached(m, nacl.sign.keyPair.fromSeed(seed).secretKey));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const bytes = (v: bigint): Uint8Array => {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};

function drive(job: SigningJob): { sig: string; steps: number; largest: number; total: number } {
  let steps = 0;
  let largest = 0;
  const start = fieldMulCount();
  for (;;) {
    const before = fieldMulCount();
    const done = job.step();
    largest = Math.max(largest, fieldMulCount() - before);
    steps++;
    if (done) break;
  }
  return { sig: toHex(job.signature()), steps, largest, total: fieldMulCount() - start };
}

describe("the small profile's modules", () => {
  it("are the ones in use here (the mock took)", () => {
    expect(baseMul.BASE_MUL_UNITS).toBe(smallBaseMul.BASE_MUL_UNITS);
    expect(baseMul.BASE_MUL_UNITS).toBe(64 * 5 + 265 + 1);
    expect(fieldMul.mulLimbs).toBe(smallFieldMul.mulLimbs);
  });

  it("loop field multiplication equals the unrolled one limb for limb, on unreduced limbs and aliased outputs", async () => {
    const unrolled = await vi.importActual<typeof import("../../../../shared/crypto/ed25519/field-mul")>("../../../../shared/crypto/ed25519/field-mul");
    const limbs = fc.array(fc.integer({ min: -131072, max: 131071 }), { minLength: 16, maxLength: 16 }).map((l) => Float64Array.from(l));
    fc.assert(
      fc.property(limbs, limbs, (a, b) => {
        const want = new Float64Array(16);
        const got = new Float64Array(16);
        unrolled.mulLimbs(want, a, b);
        smallFieldMul.mulLimbs(got, a, b);
        expect(Array.from(got)).toEqual(Array.from(want));
        unrolled.squareLimbs(want, a);
        smallFieldMul.squareLimbs(got, a);
        expect(Array.from(got)).toEqual(Array.from(want));
        const alias = Float64Array.from(a);
        smallFieldMul.mulLimbs(alias, alias, b); // o = a
        unrolled.mulLimbs(want, a, b);
        expect(Array.from(alias)).toEqual(Array.from(want));
      }),
      { numRuns: 300 },
    );
  });

  it("s·B equals the reference ladder for clamped, reduced and edge scalars", () => {
    const edges = [0n, 1n, 2n, 8n, L - 1n, 2n ** 254n, 2n ** 255n - 1n];
    for (const v of edges) {
      expect(toHex(smallBaseMul.scalarMulBase(bytes(v))), `s = ${v}`).toBe(toHex(pointPack(scalarMulLadder(bytes(v), pointBase()))));
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 255n - 1n }), (v) => toHex(smallBaseMul.scalarMulBase(bytes(v))) === toHex(pointPack(scalarMulLadder(bytes(v), pointBase())))),
      { numRuns: 15 },
    );
  });

  it("costs 2763 field multiplications, unit by unit as declared, never more than 8 per unit", () => {
    const job = smallBaseMul.baseMulStart(bytes(L - 1n));
    resetFieldMulCount();
    let declared = 0;
    for (let u = 0; u < smallBaseMul.BASE_MUL_UNITS; u++) {
      const before = fieldMulCount();
      const cost = smallBaseMul.baseMulUnitCost(u);
      expect(smallBaseMul.baseMulDone(job)).toBe(false);
      smallBaseMul.baseMulUnit(job);
      expect(fieldMulCount() - before, `unit ${u}`).toBe(cost);
      expect(cost).toBeLessThanOrEqual(MAX_UNIT_COST);
      declared += cost;
    }
    expect(smallBaseMul.baseMulDone(job)).toBe(true);
    expect(smallBaseMul.baseMulUnitCost(smallBaseMul.BASE_MUL_UNITS)).toBe(0);
    expect(declared).toBe(2763);
    expect(fieldMulCount()).toBe(2763);
  });
});

describe("incremental signer on the small profile", () => {
  it("equals tweetnacl byte for byte for random seeds and messages", () => {
    fc.assert(
      fc.property(seedArb, messageArb, (seed, m) => {
        return toHex(signNow(seed, m, nacl.hash)) === naclSign(seed, m) && toHex(publicKeyFromSeed(seed, nacl.hash)) === toHex(nacl.sign.keyPair.fromSeed(seed).publicKey);
      }),
      { numRuns: 15 },
    );
  });

  it("equals tweetnacl at any budget, key cached or not, every step within max(budget, 8)", () => {
    fc.assert(
      fc.property(seedArb, messageArb, fc.constantFrom(1, 7, 8, 9, 20, DEFAULT_BUDGET, 100, Infinity), fc.boolean(), (seed, m, budget, cache) => {
        const publicKey = cache ? publicKeyFromSeed(seed, nacl.hash) : undefined;
        const job = startSigning(seed, m, { budget, sha512: nacl.hash, publicKey });
        const { sig, steps, largest } = drive(job);
        expect(job.progress()).toEqual({ done: steps, total: steps });
        expect(largest).toBeLessThanOrEqual(Math.max(budget, MAX_UNIT_COST));
        return sig === naclSign(seed, m);
      }),
      { numRuns: 15 },
    );
  });

  it("one cached-key signature: 2763 multiplications and the scalar arithmetic in 91 steps of at most 32 at the default budget", () => {
    const seed = new Uint8Array(32).map((_, i) => i * 3);
    const signer = createSigner(seed, nacl.hash);
    const m = new Uint8Array([1, 2, 3]);
    const { sig, steps, largest, total } = drive(signer.startSigning(m));
    expect(sig).toBe(naclSign(seed, m));
    expect(total).toBe(2763);
    expect(largest).toBeLessThanOrEqual(DEFAULT_BUDGET);
    expect(steps).toBe(91); // 88 for the multiplications alone, 3 more for r, k and S mod L in rows
  });
});
