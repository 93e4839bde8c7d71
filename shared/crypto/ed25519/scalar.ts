/**
 * Scalars of Ed25519: integers mod L = 2^252 + 27742317777372353535851937790883648493, the
 * order of the base point (RFC 8032 §5.1), as 32 little-endian bytes.
 *
 * Ported from tweetnacl's modL/reduce with every `>>`/`&` replaced by `Math.floor` arithmetic,
 * which gives the same result on negative intermediates in JavaScript and in Lua
 * (docs/portability.md).
 */

/** L, little-endian bytes. */
const L = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** Rows of the wide value (digits 63..32) `reduceRows` clears in all. */
export const REDUCE_ROWS = 32;

/** Rows of k that `mulAddRows` adds in all. */
export const MUL_ADD_ROWS = 32;

/**
 * Clears rows 63 - first down to 63 - first - count + 1 of x (64 "digits" of base 256 that
 * may exceed 255: a schoolbook product leaves digits up to 32·255²), keeping x mod L. The
 * reduction is cut in rows so that a signer on a slow interpreter runs it a few rows per step
 * (issue 9: whole, it blocked the real Espruino interpreter for 36–41 ms).
 */
export function reduceRows(x: Float64Array, first: number, count: number): void {
  // Clear digit i: subtract 16·x[i]·L·2^(8(i-32)). L's top byte 0x10 times 16 is 2^8, which
  // cancels digit i itself (so that product term is skipped and x[i] zeroed); L's bytes 16..30
  // are zero, so only digits i-32..i-13 change. Digits stay signed, |d| < 2^8.
  for (let i = 63 - first; i > 63 - first - count; i--) {
    let carry = 0;
    let j = i - 32;
    const k = i - 12;
    for (; j < k; j++) {
      x[j] += carry - 16 * x[i] * L[j - (i - 32)];
      carry = Math.floor((x[j] + 128) / 256);
      x[j] -= carry * 256;
    }
    x[j] += carry;
    x[i] = 0;
  }
}

/** x mod L as 32 bytes, once `reduceRows` has cleared all 32 upper rows; `x` is destroyed. */
export function reduceFinish(x: Float64Array): Uint8Array {
  let carry = 0;
  for (let j = 0; j < 32; j++) {
    x[j] += carry - Math.floor(x[31] / 16) * L[j];
    carry = Math.floor(x[j] / 256);
    x[j] -= carry * 256;
  }
  for (let j = 0; j < 32; j++) x[j] -= carry * L[j];
  const r = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const c = Math.floor(x[i] / 256);
    x[i + 1] += c;
    r[i] = x[i] - c * 256;
  }
  return r;
}

/** The 64 base-256 digits of a 64-byte little-endian value, for `reduceRows`. */
export function wideDigits(h: Uint8Array): Float64Array {
  const x = new Float64Array(64);
  for (let i = 0; i < 64; i++) x[i] = h[i];
  return x;
}

/** x mod L for a wide value, all at once; `x` is destroyed. */
function modL(x: Float64Array): Uint8Array {
  reduceRows(x, 0, REDUCE_ROWS);
  return reduceFinish(x);
}

/** A 64-byte little-endian value (a SHA-512 output) reduced mod L (RFC 8032 §5.1.6 steps 2, 4). */
export function scalarReduce(h: Uint8Array): Uint8Array {
  return modL(wideDigits(h));
}

/** The wide value r (32 bytes) to which `mulAddRows` adds k·a. */
export function mulAddStart(r: Uint8Array): Float64Array {
  const x = new Float64Array(64);
  for (let i = 0; i < 64; i++) x[i] = 0;
  for (let i = 0; i < 32; i++) x[i] = r[i];
  return x;
}

/** Adds k[i]·a·256^i to x for rows i = first .. first + count - 1 (a schoolbook product in parts). */
export function mulAddRows(x: Float64Array, k: Uint8Array, a: Uint8Array, first: number, count: number): void {
  for (let i = first; i < first + count; i++) {
    const ki = k[i];
    for (let j = 0; j < 32; j++) x[i + j] += ki * a[j];
  }
}

/** S = (r + k·a) mod L (RFC 8032 §5.1.6 step 5); r and k reduced, a any 32 bytes. */
export function scalarMulAdd(r: Uint8Array, k: Uint8Array, a: Uint8Array): Uint8Array {
  const x = mulAddStart(r);
  mulAddRows(x, k, a, 0, MUL_ADD_ROWS);
  return modL(x);
}

/**
 * The secret scalar from the first half of SHA-512(seed) (RFC 8032 §5.1.5 step 2): lowest
 * three bits cleared, bit 255 cleared, bit 254 set. Returns a new 32-byte array.
 */
export function clampScalar(h: Uint8Array): Uint8Array {
  const a = new Uint8Array(32);
  for (let i = 0; i < 32; i++) a[i] = h[i];
  a[0] = a[0] - (a[0] % 8);
  a[31] = (a[31] % 64) + 64;
  return a;
}

/**
 * Signed radix-16 digits e[0..63] of a scalar s < 2^255 with s = Σ e[i]·16^i and every
 * e[i] in -8..8 (ref10 ge_scalarmult_base), for the fixed-window base multiplication.
 */
export function signedDigits(s: Uint8Array): Int32Array {
  const e = new Int32Array(64);
  for (let i = 0; i < 32; i++) {
    const hi = Math.floor(s[i] / 16);
    e[2 * i] = s[i] - 16 * hi;
    e[2 * i + 1] = hi;
  }
  let carry = 0;
  for (let i = 0; i < 63; i++) {
    const v = e[i] + carry;
    carry = Math.floor((v + 8) / 16);
    e[i] = v - 16 * carry;
  }
  e[63] += carry;
  return e;
}
