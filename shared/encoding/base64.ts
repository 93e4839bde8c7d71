/**
 * Base64 (RFC 4648 section 4, standard alphabet, `=` padding) in portable TypeScript.
 *
 * No btoa/atob: Lua has neither, and atob is lenient. The decoder is strict so that one
 * frame has exactly one text form, which the line CRC (PROTOCOL.md 5.1) relies on:
 * length a multiple of 4, padding only at the end, no characters outside the alphabet, and
 * the unused low bits of the last character zero (RFC 4648 section 3.5, "canonical encoding").
 */
import { SolkitError } from "../errors";

export const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Value 0..63 of a base64 character code, -1 when not in the alphabet (no lookup table: Lua-safe). */
function sextet(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  if (c === 43) return 62; // +
  if (c === 47) return 63; // /
  return -1;
}

/** Base64 text of `data`, with `=` padding. */
export function encodeBase64(data: Uint8Array): string {
  let s = "";
  const n = data.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = data[i] * 65536 + data[i + 1] * 256 + data[i + 2];
    s += ALPHABET.charAt(v >>> 18) + ALPHABET.charAt((v >>> 12) & 63);
    s += ALPHABET.charAt((v >>> 6) & 63) + ALPHABET.charAt(v & 63);
  }
  if (n - i === 1) {
    const v = data[i] * 65536;
    s += ALPHABET.charAt(v >>> 18) + ALPHABET.charAt((v >>> 12) & 63) + "==";
  } else if (n - i === 2) {
    const v = data[i] * 65536 + data[i + 1] * 256;
    s += ALPHABET.charAt(v >>> 18) + ALPHABET.charAt((v >>> 12) & 63);
    s += ALPHABET.charAt((v >>> 6) & 63) + "=";
  }
  return s;
}

/**
 * Bytes of canonical base64 text.
 * @throws SolkitError E_BASE64 on a length not a multiple of 4, a character outside the
 *   alphabet, misplaced padding, or non-zero unused bits
 */
export function decodeBase64(text: string): Uint8Array {
  const len = text.length;
  if (len % 4 !== 0) {
    throw new SolkitError("E_BASE64", `base64: expected a length that is a multiple of 4, got ${len}`);
  }
  let pad = 0;
  if (len > 0 && text.charCodeAt(len - 1) === 61) {
    pad = 1;
    if (len > 1 && text.charCodeAt(len - 2) === 61) pad = 2; // "==" only at the very end: "AA=A" is refused
  }
  const out = new Uint8Array((len / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const last = i + 4 === len;
    let v = 0; // the group's 24 bits, built without an array (a decoded line allocated one per group)
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      let bits = 0;
      // '=' is allowed only in the final group, and only in the places `pad` counted.
      if (!(c === 61 && last && j >= 4 - pad)) {
        bits = sextet(c);
        if (bits < 0) {
          throw new SolkitError("E_BASE64", `base64: unexpected character code ${c} at ${i + j}`);
        }
      }
      v = v * 64 + bits;
    }
    out[o++] = v >>> 16;
    if (last && pad === 2) {
      if ((v & 0xffff) !== 0) throw new SolkitError("E_BASE64", "base64: non-zero unused bits before '=='");
      break;
    }
    out[o++] = (v >>> 8) & 0xff;
    if (last && pad === 1) {
      if ((v & 0xff) !== 0) throw new SolkitError("E_BASE64", "base64: non-zero unused bits before '='");
      break;
    }
    out[o++] = v & 0xff;
  }
  return out;
}
