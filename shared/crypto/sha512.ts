/**
 * SHA-512 (FIPS 180-4, section 6.4) in portable TypeScript, for Ed25519 (RFC 8032 section 5.1).
 *
 * JavaScript has no 64-bit integers and Lua 5.3's are signed and 64 bits wide, so every 64-bit
 * word is a pair (hi, lo) of non-negative 32-bit integers, as in tweetnacl's
 * crypto_hashblocks_hl. Rules that keep it right in both languages (docs/portability.md):
 * each half is wrapped with `u32` before it is stored or shifted with `>>>`; a 64-bit sum adds
 * the low halves as plain numbers (exact: a few terms below 2^32 stay far under 2^53) and
 * carries `floor(sum / 2^32)` into the high half.
 */
import { u32 } from "../bytes";
import { SolkitError } from "../errors";

/** Incremental SHA-512: feed bytes with `update`, read the 64-byte result once with `digest`. */
export interface Sha512Hasher {
  /** Absorbs `data`. @throws SolkitError E_STATE after digest() */
  update(this: void, data: Uint8Array): void;
  /** Pads, finishes and returns the 64-byte digest. Call once. @throws SolkitError E_STATE when called twice */
  digest(this: void): Uint8Array;
}

/** Copies a constant list into a typed array (a plain array costs a variable per item on Espruino). */
function words(list: number[]): Uint32Array {
  const out = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i];
  return out;
}

// FIPS 180-4 section 4.2.3: 80 constants, interleaved as hi, lo.
const K = words([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
  0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
  0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
  0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
  0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
  0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
  0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
  0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
  0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
  0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
  0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
  0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
  0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
  0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
  0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
  0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);

// FIPS 180-4 section 5.3.5: initial hash value, interleaved as hi, lo.
const H0 = words([
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1,
  0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
]);

const TWO32 = 4294967296;

/**
 * Processes the 128-byte block of `buf` at `at` (section 6.4.2).
 * `st` holds H as 16 words (hi, lo, hi, lo, ...); `w` is a 160-word scratch schedule (same layout).
 */
function compress(st: Uint32Array, w: Uint32Array, buf: Uint8Array, at: number): void {
  for (let t = 0; t < 32; t++) {
    const j = at + 4 * t;
    w[t] = buf[j] * 16777216 + buf[j + 1] * 65536 + buf[j + 2] * 256 + buf[j + 3];
  }
  for (let t = 16; t < 80; t++) {
    // sigma0(x) = ROTR^1 ^ ROTR^8 ^ SHR^7, sigma1(x) = ROTR^19 ^ ROTR^61 ^ SHR^6 (section 4.1.3).
    // ROTR^n for n >= 32 swaps the halves and rotates by n - 32.
    const xh = w[2 * (t - 15)];
    const xl = w[2 * (t - 15) + 1];
    const s0h = u32(((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7));
    const s0l = u32(((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25)));
    const yh = w[2 * (t - 2)];
    const yl = w[2 * (t - 2) + 1];
    const s1h = u32(((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6));
    const s1l = u32(((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26)));
    const lo = s1l + w[2 * (t - 7) + 1] + s0l + w[2 * (t - 16) + 1];
    w[2 * t] = u32(s1h + w[2 * (t - 7)] + s0h + w[2 * (t - 16)] + Math.floor(lo / TWO32));
    w[2 * t + 1] = u32(lo);
  }
  let ah = st[0];
  let al = st[1];
  let bh = st[2];
  let bl = st[3];
  let ch = st[4];
  let cl = st[5];
  let dh = st[6];
  let dl = st[7];
  let eh = st[8];
  let el = st[9];
  let fh = st[10];
  let fl = st[11];
  let gh = st[12];
  let gl = st[13];
  let hh = st[14];
  let hl = st[15];
  for (let t = 0; t < 80; t++) {
    // Sigma1(e) = ROTR^14 ^ ROTR^18 ^ ROTR^41; Ch(e,f,g) = (e & f) ^ (~e & g).
    const S1h = u32(((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23)));
    const S1l = u32(((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23)));
    const chh = u32((eh & fh) ^ (~eh & gh));
    const chl = u32((el & fl) ^ (~el & gl));
    const t1l = hl + S1l + chl + K[2 * t + 1] + w[2 * t + 1];
    const t1h = u32(hh + S1h + chh + K[2 * t] + w[2 * t] + Math.floor(t1l / TWO32));
    // Sigma0(a) = ROTR^28 ^ ROTR^34 ^ ROTR^39; Maj(a,b,c) = (a & b) ^ (a & c) ^ (b & c).
    const S0h = u32(((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25)));
    const S0l = u32(((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25)));
    const mah = u32((ah & bh) ^ (ah & ch) ^ (bh & ch));
    const mal = u32((al & bl) ^ (al & cl) ^ (bl & cl));
    const t1lw = u32(t1l);
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    // e = d + T1
    const el2 = dl + t1lw;
    eh = u32(dh + t1h + Math.floor(el2 / TWO32));
    el = u32(el2);
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    // a = T1 + T2, T2 = Sigma0(a) + Maj(a,b,c)
    const al2 = t1lw + S0l + mal;
    ah = u32(t1h + S0h + mah + Math.floor(al2 / TWO32));
    al = u32(al2);
  }
  addInto(st, 0, ah, al);
  addInto(st, 2, bh, bl);
  addInto(st, 4, ch, cl);
  addInto(st, 6, dh, dl);
  addInto(st, 8, eh, el);
  addInto(st, 10, fh, fl);
  addInto(st, 12, gh, gl);
  addInto(st, 14, hh, hl);
}

/** st[i..i+1] += (h, l) modulo 2^64. */
function addInto(st: Uint32Array, i: number, h: number, l: number): void {
  const lo = st[i + 1] + l;
  st[i] = u32(st[i] + h + Math.floor(lo / TWO32));
  st[i + 1] = u32(lo);
}

/** A fresh incremental SHA-512 with fixed memory (a 128-byte buffer and 176 words). */
export function createSha512(): Sha512Hasher {
  const st = new Uint32Array(16);
  for (let i = 0; i < 16; i++) st[i] = H0[i];
  const w = new Uint32Array(160);
  const buf = new Uint8Array(128);
  let used = 0; // bytes waiting in buf
  let total = 0; // bytes absorbed in all (exact up to 2^53)
  let done = false;

  function update(data: Uint8Array): void {
    if (done) throw new SolkitError("E_STATE", "sha512: update() after digest()");
    let i = 0;
    if (used === 0) {
      while (i + 128 <= data.length) {
        compress(st, w, data, i);
        i += 128;
      }
    }
    for (; i < data.length; i++) {
      buf[used] = data[i];
      used++;
      if (used === 128) {
        compress(st, w, buf, 0);
        used = 0;
      }
    }
    total += data.length;
  }

  function digest(): Uint8Array {
    if (done) throw new SolkitError("E_STATE", "sha512: digest() called twice");
    done = true;
    // Section 5.1.2: 0x80, zeros up to 112 mod 128, then the bit length as 128 bits BE
    // (the top 64 bits are always zero here: inputs stay below 2^53 bytes).
    buf[used] = 0x80;
    used++;
    if (used > 112) {
      for (let i = used; i < 128; i++) buf[i] = 0;
      compress(st, w, buf, 0);
      used = 0;
    }
    for (let i = used; i < 120; i++) buf[i] = 0;
    const hi = Math.floor(total / 536870912); // total * 8 / 2^32
    const lo = u32(total * 8);
    buf[120] = (hi >>> 24) & 0xff;
    buf[121] = (hi >>> 16) & 0xff;
    buf[122] = (hi >>> 8) & 0xff;
    buf[123] = hi & 0xff;
    buf[124] = (lo >>> 24) & 0xff;
    buf[125] = (lo >>> 16) & 0xff;
    buf[126] = (lo >>> 8) & 0xff;
    buf[127] = lo & 0xff;
    compress(st, w, buf, 0);
    const out = new Uint8Array(64);
    for (let i = 0; i < 16; i++) {
      const v = st[i];
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
 * SHA-512 of `data` (FIPS 180-4). Returns 64 bytes.
 * @throws nothing for any byte input
 */
export function sha512(data: Uint8Array): Uint8Array {
  const h = createSha512();
  h.update(data);
  return h.digest();
}
