import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clampScalar, scalarMulAdd, scalarReduce, signedDigits } from "../../../../shared/crypto/ed25519/scalar";

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const le = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = v * 256n + BigInt(b[i]);
  return v;
};
const bytes = (v: bigint, n: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};
const below = (max: bigint) => fc.bigInt({ min: 0n, max: max - 1n });

describe("scalars mod L", () => {
  it("reduces any 64-byte value, edges included", () => {
    const edges = [0n, 1n, L - 1n, L, L + 1n, 2n ** 512n - 1n, 2n ** 256n, 2n ** 253n - 1n];
    for (const v of edges) expect(le(scalarReduce(bytes(v, 64)))).toBe(v % L);
    fc.assert(fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (b) => le(scalarReduce(b)) === le(b) % L));
  });

  it("computes (r + k·a) mod L", () => {
    fc.assert(
      fc.property(below(L), below(L), below(2n ** 256n), (r, k, a) => {
        return le(scalarMulAdd(bytes(r, 32), bytes(k, 32), bytes(a, 32))) === (r + k * a) % L;
      }),
    );
    const m = L - 1n;
    expect(le(scalarMulAdd(bytes(m, 32), bytes(m, 32), bytes(2n ** 256n - 1n, 32)))).toBe((m + m * (2n ** 256n - 1n)) % L);
  });

  it("clamps as RFC 8032 §5.1.5 says", () => {
    const a = clampScalar(new Uint8Array(64).fill(0xff));
    expect(a[0]).toBe(0xf8);
    expect(a[31]).toBe(0x7f);
    const z = clampScalar(new Uint8Array(64));
    expect(z[31]).toBe(0x40);
    expect(le(z)).toBe(2n ** 254n);
  });

  it("signed radix-16 digits sum back to the scalar, each in -8..8", () => {
    fc.assert(
      fc.property(below(2n ** 255n), (s) => {
        const e = signedDigits(bytes(s, 32));
        let v = 0n;
        for (let i = 63; i >= 0; i--) {
          if (e[i] < -8 || e[i] > 8) return false;
          v = v * 16n + BigInt(e[i]);
        }
        return v === s;
      }),
    );
  });
});
