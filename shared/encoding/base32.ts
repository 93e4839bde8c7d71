/**
 * Base32 with the RFC 4648 section 6 alphabet (A-Z, 2-7), without padding, upper case only:
 * the encoding of Stellar StrKey (SEP-23).
 *
 * Decoding is strict so that one byte string has exactly one text form: no lower case, no
 * '=' padding, no length that cannot come from whole bytes, and the unused low bits of the
 * last character must be zero (RFC 4648 section 3.5, "canonical encoding").
 */
import { SolkitError } from "../errors";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Value 0..31 of a character code, or -1 when it is not in the alphabet. */
function valueOf(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 50 && c <= 55) return c - 24; // 2-7 are 26..31
  return -1;
}

/**
 * Base32 text of `data` (no padding): ceil(8 * length / 5) characters.
 * @throws nothing for any byte input
 */
export function base32Encode(data: Uint8Array): string {
  let out = "";
  let acc = 0; // pending bits, fewer than 5 between bytes
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    acc = acc * 256 + data[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET.charAt((acc >>> bits) & 31);
    }
    acc = acc & ((1 << bits) - 1);
  }
  // Last group: the remaining bits, left-aligned, zero-filled (RFC 4648 section 6).
  if (bits > 0) out += ALPHABET.charAt((acc << (5 - bits)) & 31);
  return out;
}

/**
 * Bytes of base32 text produced by `base32Encode`.
 * @throws SolkitError E_BASE32 on a character outside A-Z/2-7 (padding and lower case
 *   included), a length no whole number of bytes encodes to, or nonzero unused trailing bits
 */
export function base32Decode(text: string): Uint8Array {
  const rem = text.length % 8;
  // 8 characters carry 5 bytes; 1, 3 or 6 trailing characters cannot end a byte string.
  if (rem === 1 || rem === 3 || rem === 6) {
    throw new SolkitError("E_BASE32", `base32: a length of ${text.length} characters encodes no whole number of bytes`);
  }
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const v = valueOf(text.charCodeAt(i));
    if (v < 0) {
      throw new SolkitError("E_BASE32", `base32: character ${i + 1} of ${text.length} is not in the alphabet A-Z, 2-7`);
    }
    acc = acc * 32 + v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n] = (acc >>> bits) & 0xff;
      n++;
      acc = acc & ((1 << bits) - 1);
    }
  }
  if (acc !== 0) {
    throw new SolkitError("E_BASE32", "base32: the unused trailing bits of the last character are not zero (non-canonical)");
  }
  return out;
}
