/**
 * Arithmetic in GF(2^255 - 19), the field of Ed25519 (RFC 8032 §5.1), ported from
 * tweetnacl's `gf`: an element is a Float64Array(16) of 16-bit limbs, value = Σ limb[i]·2^(16i).
 *
 * Portable per docs/portability.md: carries use `Math.floor(v / 65536)` (exact in doubles and
 * in Lua floats) instead of `>>`, `|0` or `&`, which do not truncate the same way in Lua.
 * Limbs may be negative or above 2^16 between operations; `mul` accepts the outputs of a few
 * `add`/`sub` (products stay far below 2^53) and returns carried limbs.
 *
 * Every `mul`/`square` bumps a module counter (`fieldMulCount`): the benchmark compares our
 * field multiplications per signature with tweetnacl's, and the incremental signer bounds the
 * multiplications done per step.
 */
import { mulLimbs, squareLimbs } from "./field-mul";

/** A field element: 16 limbs of 16 bits, little-endian. */
export type Fe = Float64Array;

let mulCount = 0;

/** Field multiplications (including squarings) done since the last reset. */
export function fieldMulCount(): number {
  return mulCount;
}

/** Sets the field-multiplication counter back to zero. */
export function resetFieldMulCount(): void {
  mulCount = 0;
}

/** A new element, zero, or the small non-negative integer `v` (< 65536). */
export function fe(v: number): Fe {
  const o = new Float64Array(16);
  for (let i = 0; i < 16; i++) o[i] = 0;
  o[0] = v;
  return o;
}

/** An element from 16 limbs (used for constants). */
export function feFromLimbs(limbs: number[]): Fe {
  const o = new Float64Array(16);
  for (let i = 0; i < 16; i++) o[i] = limbs[i];
  return o;
}

/** o = a. */
export function feCopy(o: Fe, a: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i];
}

/** o = a + b (no carry). */
export function feAdd(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] + b[i];
}

/** o = a - b (no carry; limbs may go negative). */
export function feSub(o: Fe, a: Fe, b: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = a[i] - b[i];
}

/** o = -a. */
export function feNeg(o: Fe, a: Fe): void {
  for (let i = 0; i < 16; i++) o[i] = -a[i];
}

/**
 * One carry pass (tweetnacl car25519): limbs to 0..65535, the carry out of limb 15 folded
 * back into limb 0 times 38, since 2^256 ≡ 38 (mod p).
 */
export function feCarry(o: Fe): void {
  let c = 1;
  for (let i = 0; i < 16; i++) {
    const v = o[i] + c + 65535;
    c = Math.floor(v / 65536);
    o[i] = v - c * 65536;
  }
  o[0] += 38 * (c - 1);
}

/**
 * Swaps p and q when b = 1, leaves them when b = 0, by arithmetic rather than a branch
 * (tweetnacl's sel25519 uses a bit mask; `&` on negative limbs is not portable to Lua).
 */
export function feSwap(p: Fe, q: Fe, b: number): void {
  for (let i = 0; i < 16; i++) {
    const t = b * (p[i] - q[i]);
    p[i] -= t;
    q[i] += t;
  }
}

/** o = a when b = 1, unchanged when b = 0 (arithmetic, no branch). */
export function feSelect(o: Fe, a: Fe, b: number): void {
  for (let i = 0; i < 16; i++) o[i] += b * (a[i] - o[i]);
}

/**
 * o = a · b mod p: tweetnacl's schoolbook product, folded with 2^256 ≡ 38 and carried twice,
 * unrolled in field-mul.ts (generated). `o` may alias `a` or `b`.
 */
export function feMul(o: Fe, a: Fe, b: Fe): void {
  mulCount++;
  mulLimbs(o, a, b);
}

/** o = a² mod p, counted as one multiplication (as tweetnacl's S = M(o, a, a)), 136 products. */
export function feSquare(o: Fe, a: Fe): void {
  mulCount++;
  squareLimbs(o, a);
}

/** Fully reduced little-endian 32 bytes of `n` (tweetnacl pack25519). */
export function fePack(n: Fe): Uint8Array {
  const t = new Float64Array(16);
  const m = new Float64Array(16);
  feCopy(t, n);
  feCarry(t);
  feCarry(t);
  feCarry(t);
  // Subtract p twice, keeping the result when it does not borrow (t < 2p after carrying).
  for (let j = 0; j < 2; j++) {
    m[0] = t[0] - 0xffed;
    for (let i = 1; i < 15; i++) {
      const borrow = -Math.floor(m[i - 1] / 65536);
      m[i] = t[i] - 0xffff - borrow;
      m[i - 1] += 65536 * borrow;
    }
    const borrow14 = -Math.floor(m[14] / 65536);
    m[15] = t[15] - 0x7fff - borrow14;
    m[14] += 65536 * borrow14;
    const b = -Math.floor(m[15] / 65536);
    feSwap(t, m, 1 - b);
  }
  const o = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    const hi = Math.floor(t[i] / 256);
    o[2 * i] = t[i] - 256 * hi;
    o[2 * i + 1] = hi;
  }
  return o;
}

/** Element of 32 little-endian bytes; the top bit (a sign bit in point encodings) is ignored. */
export function feUnpack(b: Uint8Array): Fe {
  const o = new Float64Array(16);
  for (let i = 0; i < 16; i++) o[i] = b[2 * i] + 256 * b[2 * i + 1];
  o[15] = (b[30] + 256 * (b[31] % 128));
  return o;
}

/** Low bit of the reduced value: the "sign" of x in RFC 8032 §5.1.2 encodings. */
export function feParity(a: Fe): number {
  return fePack(a)[0] % 2;
}

/** True when a ≡ b (mod p). */
export function feEqual(a: Fe, b: Fe): boolean {
  const x = fePack(a);
  const y = fePack(b);
  let d = 0;
  for (let i = 0; i < 32; i++) d += (x[i] - y[i]) * (x[i] - y[i]);
  return d === 0;
}
