/**
 * Base64 → bytes for the base-point table (base-table.ts), in portable code.
 *
 * On Espruino this loop over 32 KB of text took 2.2–2.8 s in one piece on the real desktop
 * interpreter, the first time a device signed (issue 9: the longest event-loop block). The
 * Espruino build swaps this module for firmware/targets/espruino/native-table-decode.ts
 * (native atob: about 5 ms there); Lua and Node keep this one.
 */

function b64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  return c === 43 ? 62 : 63; // + /
}

/** The bytes of `s`, standard base64 without padding inside (a multiple of 4 characters). */
export function decodeTable(s: string): Uint8Array {
  const out = new Uint8Array((s.length / 4) * 3);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const v =
      b64Value(s.charCodeAt(i)) * 262144 +
      b64Value(s.charCodeAt(i + 1)) * 4096 +
      b64Value(s.charCodeAt(i + 2)) * 64 +
      b64Value(s.charCodeAt(i + 3));
    const b0 = Math.floor(v / 65536);
    const b1 = Math.floor(v / 256) - 256 * b0;
    out[o] = b0;
    out[o + 1] = b1;
    out[o + 2] = v - 65536 * b0 - 256 * b1;
    o += 3;
  }
  return out;
}
