/**
 * SHA-256 (FIPS 180-4, section 6.2) in portable TypeScript.
 *
 * Written to docs/portability.md: every 32-bit word is kept as a non-negative integer below
 * 2^32 (wrapped with `u32` after each add, `<<` or `~`), because Lua 5.3 integers are 64 bits
 * wide and `|0` / `>>>0` do not truncate there. `>>>` is only ever applied to such
 * non-negative words, so it means the same in JavaScript and in Lua.
 *
 * The device may swap in a native SHA-256 (Espruino's `require("crypto").SHA256`); this one
 * is the reference that runs everywhere.
 */
import { u32 } from "../bytes";
import { SolkitError } from "../errors";

/** Incremental SHA-256: feed bytes with `update`, read the 32-byte result once with `digest`. */
export interface Sha256Hasher {
  /** Absorbs `data`. @throws SolkitError E_STATE after digest() */
  update(this: void, data: Uint8Array): void;
  /** Pads, finishes and returns the 32-byte digest. Call once. @throws SolkitError E_STATE when called twice */
  digest(this: void): Uint8Array;
}

/**
 * Copies a constant list into a typed array: on Espruino each element of a plain array costs a
 * variable (docs/portability.md), and the literal is dropped once this returns.
 */
function words(list: number[]): Uint32Array {
  const out = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

// FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the cube roots of the
// first 64 primes.
const K = words([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// FIPS 180-4 section 5.3.3: initial hash value.
const H0 = words([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** ROTR^n(x) for a word 0 <= x < 2^32 (section 3.2); the `<<` part is wrapped by u32. */
function rotr(x: number, n: number): number {
  return u32((x >>> n) | (x << (32 - n)));
}

/**
 * Processes the 64-byte block of `buf` at `at` into `state` (section 6.2.2).
 * `w` is a 64-word scratch schedule, passed in so that no array is allocated per block.
 */
function compress(state: Uint32Array, w: Uint32Array, buf: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const j = at + 4 * t;
    // Big-endian word; the multiplications keep it a non-negative integer below 2^32.
    w[t] = buf[j] * 16777216 + buf[j + 1] * 65536 + buf[j + 2] * 256 + buf[j + 3];
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = u32(rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3));
    const s1 = u32(rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
    w[t] = u32(w[t - 16] + s0 + w[t - 7] + s1);
  }
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  let f = state[5];
  let g = state[6];
  let h = state[7];
  for (let t = 0; t < 64; t++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    // Ch(e,f,g) = (e AND f) XOR (NOT e AND g); u32 folds the sign bit JavaScript may leave.
    const ch = u32((e & f) ^ (~e & g));
    const t1 = u32(h + u32(S1) + ch + K[t] + w[t]);
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = u32((a & b) ^ (a & c) ^ (b & c));
    const t2 = u32(u32(S0) + maj);
    h = g;
    g = f;
    f = e;
    e = u32(d + t1);
    d = c;
    c = b;
    b = a;
    a = u32(t1 + t2);
  }
  state[0] = u32(state[0] + a);
  state[1] = u32(state[1] + b);
  state[2] = u32(state[2] + c);
  state[3] = u32(state[3] + d);
  state[4] = u32(state[4] + e);
  state[5] = u32(state[5] + f);
  state[6] = u32(state[6] + g);
  state[7] = u32(state[7] + h);
}

/**
 * A fresh incremental SHA-256. Memory is fixed (a 64-byte buffer and 72 words), whatever the
 * length of the input, so a device can hash a long outbox page by page.
 */
export function createSha256(): Sha256Hasher {
  const state = new Uint32Array(8);
  for (let i = 0; i < 8; i++) state[i] = H0[i];
  const w = new Uint32Array(64);
  const buf = new Uint8Array(64);
  let used = 0; // bytes waiting in buf
  let total = 0; // bytes absorbed in all (exact up to 2^53)
  let done = false;

  function update(data: Uint8Array): void {
    if (done) throw new SolkitError("E_STATE", "sha256: update() after digest()");
    let i = 0;
    // Whole blocks straight from the input when nothing is buffered.
    if (used === 0) {
      while (i + 64 <= data.length) {
        compress(state, w, data, i);
        i += 64;
      }
    }
    for (; i < data.length; i++) {
      buf[used] = data[i];
      used++;
      if (used === 64) {
        compress(state, w, buf, 0);
        used = 0;
      }
    }
    total += data.length;
  }

  function digest(): Uint8Array {
    if (done) throw new SolkitError("E_STATE", "sha256: digest() called twice");
    done = true;
    // Section 5.1.1: append 0x80, zeros up to 56 mod 64, then the bit length as 64 bits BE.
    buf[used] = 0x80;
    used++;
    if (used > 56) {
      for (let i = used; i < 64; i++) buf[i] = 0;
      compress(state, w, buf, 0);
      used = 0;
    }
    for (let i = used; i < 56; i++) buf[i] = 0;
    const hi = Math.floor(total / 536870912); // total * 8 / 2^32
    const lo = u32(total * 8);
    buf[56] = (hi >>> 24) & 0xff;
    buf[57] = (hi >>> 16) & 0xff;
    buf[58] = (hi >>> 8) & 0xff;
    buf[59] = hi & 0xff;
    buf[60] = (lo >>> 24) & 0xff;
    buf[61] = (lo >>> 16) & 0xff;
    buf[62] = (lo >>> 8) & 0xff;
    buf[63] = lo & 0xff;
    compress(state, w, buf, 0);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = state[i];
      out[4 * i] = (v >>> 24) & 0xff;
      out[4 * i + 1] = (v >>> 16) & 0xff;
      out[4 * i + 2] = (v >>> 8) & 0xff;
      out[4 * i + 3] = v & 0xff;
    }
    return out;
  }

  return { update: update, digest: digest };
}

/**
 * SHA-256 of `data` (FIPS 180-4). Returns 32 bytes.
 * @throws nothing for any byte input
 */
export function sha256(data: Uint8Array): Uint8Array {
  const h = createSha256();
  h.update(data);
  return h.digest();
}
