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

/**
 * x mod L, for x given as 64 "digits" of base 256 that may exceed 255 (a schoolbook product
 * leaves digits up to 32·255²); `x` is destroyed. Returns 32 bytes.
 */
function modL(x: Float64Array): Uint8Array {
  // Clear digits 63..32 one at a time: subtract 16·x[i]·L·2^(8(i-32)). L's top byte 0x10 times
  // 16 is 2^8, which cancels digit i itself (so that product term is skipped and x[i] zeroed);
  // L's bytes 16..30 are zero, so only digits i-32..i-13 change. Digits stay signed, |d| < 2^8.
  for (let i = 63; i >= 32; i--) {
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

/** A 64-byte little-endian value (a SHA-512 output) reduced mod L (RFC 8032 §5.1.6 steps 2, 4). */
export function scalarReduce(h: Uint8Array): Uint8Array {
  const x = new Float64Array(64);
  for (let i = 0; i < 64; i++) x[i] = h[i];
  return modL(x);
}

/** S = (r + k·a) mod L (RFC 8032 §5.1.6 step 5); r and k reduced, a any 32 bytes. */
export function scalarMulAdd(r: Uint8Array, k: Uint8Array, a: Uint8Array): Uint8Array {
  const x = new Float64Array(64);
  for (let i = 0; i < 64; i++) x[i] = 0;
  for (let i = 0; i < 32; i++) x[i] = r[i];
  for (let i = 0; i < 32; i++) {
    const ki = k[i];
    for (let j = 0; j < 32; j++) x[i + j] += ki * a[j];
  }
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
