import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INVERT_CHAIN, POW2523_CHAIN, chainCost, feInvert, fePow2523 } from "../../../../shared/crypto/ed25519/chain";
import {
  type Fe,
  fe,
  feAdd,
  feCarry,
  feEqual,
  feMul,
  fePack,
  feParity,
  feSquare,
  feSub,
  feSwap,
  feUnpack,
  fieldMulCount,
  resetFieldMulCount,
} from "../../../../shared/crypto/ed25519/field";
import { renderFieldMul } from "../../../../scripts/gen-ed25519-field-mul";

const P = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;

function toBig(a: Fe): bigint {
  let v = 0n;
  for (let i = 15; i >= 0; i--) v = v * 65536n + BigInt(a[i]);
  return mod(v);
}

function fromBig(v: bigint): Fe {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return feUnpack(b);
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = mod(b);
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
}

const element = fc.bigInt({ min: 0n, max: P - 1n });
/** Edge values: 0, 1, p-1, and values just under 2^255 (non-canonical encodings). */
const edges = [0n, 1n, 2n, 19n, P - 1n, P - 2n, 2n ** 255n - 1n, 2n ** 254n, 65535n, 65536n];

describe("field GF(2^255-19)", () => {
  it("pack/unpack round-trips canonical values and reduces non-canonical ones", () => {
    for (const v of edges) {
      const b = fePack(fromBig(v));
      let back = 0n;
      for (let i = 31; i >= 0; i--) back = back * 256n + BigInt(b[i]);
      expect(back).toBe(v % P);
    }
  });

  it("add, sub, mul, square agree with BigInt, also on unreduced add/sub outputs", () => {
    fc.assert(
      fc.property(element, element, element, (x, y, z) => {
        const a = fromBig(x);
        const b = fromBig(y);
        const c = fromBig(z);
        const s = fe(0);
        const d = fe(0);
        feAdd(s, a, b);
        feSub(d, c, b); // negative limbs
        const m = fe(0);
        feMul(m, s, d);
        const q = fe(0);
        feSquare(q, d);
        return toBig(m) === mod((x + y) * (z - y)) && toBig(q) === mod((z - y) * (z - y)) && toBig(s) === mod(x + y);
      }),
      { numRuns: 300 },
    );
  });

  it("the unrolled multiplication file is what its generator writes", () => {
    const file = readFileSync(new URL("../../../../shared/crypto/ed25519/field-mul.ts", import.meta.url), "utf8");
    expect(file).toBe(renderFieldMul());
  });

  it("unrolled mul and square equal tweetnacl's schoolbook loop limb for limb, on unreduced limbs too", () => {
    const schoolbook = (a: Fe, b: Fe): number[] => {
      const t = new Array(31).fill(0);
      for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) t[i + j] += a[i] * b[j];
      const o = fe(0);
      for (let i = 0; i < 15; i++) o[i] = t[i] + 38 * t[i + 16];
      o[15] = t[15];
      feCarry(o);
      feCarry(o);
      return Array.from(o);
    };
    const limbs = fc.array(fc.integer({ min: -131072, max: 131071 }), { minLength: 16, maxLength: 16 }).map((l) => Float64Array.from(l));
    fc.assert(
      fc.property(limbs, limbs, (a, b) => {
        const m = fe(0);
        const q = fe(0);
        feMul(m, a, b);
        feSquare(q, a);
        expect(Array.from(m)).toEqual(schoolbook(a, b));
        expect(Array.from(q)).toEqual(schoolbook(a, a));
      }),
      { numRuns: 300 },
    );
  });

  it("mul may write over its inputs", () => {
    const a = fromBig(12345678901234567890n);
    const expected = mod(12345678901234567890n ** 2n);
    feMul(a, a, a);
    expect(toBig(a)).toBe(expected);
  });

  it("inverse and pow2523 agree with BigInt and cost 265 and 262 multiplications", () => {
    expect(chainCost(INVERT_CHAIN)).toBe(265);
    expect(chainCost(POW2523_CHAIN)).toBe(262);
    fc.assert(
      fc.property(fc.oneof(element, fc.constantFrom(...edges)), (x) => {
        const o = fe(0);
        resetFieldMulCount();
        feInvert(o, fromBig(x));
        const invCount = fieldMulCount();
        const w = fe(0);
        fePow2523(w, fromBig(x));
        return invCount === 265 && toBig(o) === modPow(x, P - 2n) && toBig(w) === modPow(x, 2n ** 252n - 3n);
      }),
      { numRuns: 40 },
    );
  });

  it("swap exchanges only when asked, carry keeps the value, parity and equality work", () => {
    const a = fromBig(5n);
    const b = fromBig(P - 5n);
    feSwap(a, b, 0);
    expect(toBig(a)).toBe(5n);
    feSwap(a, b, 1);
    expect(toBig(a)).toBe(P - 5n);
    expect(feParity(a)).toBe(Number((P - 5n) & 1n));
    const c = fe(0);
    feSub(c, fe(0), fromBig(7n));
    feCarry(c);
    expect(toBig(c)).toBe(P - 7n);
    expect(feEqual(c, fromBig(P - 7n))).toBe(true);
    expect(feEqual(c, fromBig(7n))).toBe(false);
  });

  it("counts multiplications and resets", () => {
    resetFieldMulCount();
    const a = fe(3);
    feMul(a, a, a);
    feSquare(a, a);
    expect(fieldMulCount()).toBe(2);
    resetFieldMulCount();
    expect(fieldMulCount()).toBe(0);
  });
});
