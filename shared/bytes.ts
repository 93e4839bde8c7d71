/**
 * Byte helpers that build for Node, Espruino and Lua alike.
 *
 * Only `new Uint8Array(n)`, `.length` and indexing are used: the Lua build polyfills exactly
 * that much (typescript-to-lua has no typed arrays), so no subarray/slice/set here. Every
 * value stored is already in 0..255, because the Lua polyfill does not wrap like a typed array.
 */

/** `x` as an unsigned 32-bit integer. `>>> 0` alone does not truncate in Lua (64-bit ints). */
export function u32(x: number): number {
  return (x & 0xffffffff) >>> 0;
}

/** New zero-filled byte array of `n` bytes. */
export function alloc(n: number): Uint8Array {
  return new Uint8Array(n);
}

/** Copy of bytes `start` (inclusive) to `end` (exclusive). */
export function slice(b: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = b[i];
  return out;
}

/** Copies all of `src` into `dst` at `offset`. */
export function copyInto(dst: Uint8Array, offset: number, src: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[offset + i] = src[i];
}

/** The concatenation of `parts`. */
export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    copyInto(out, at, parts[i]);
    at += parts[i].length;
  }
  return out;
}

/** Byte-wise equality in time independent of where the first difference is (for MACs). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = diff | (a[i] ^ b[i]);
  return diff === 0;
}

/** Bytes from a list of numbers 0..255. */
export function fromList(list: number[]): Uint8Array {
  const out = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i] & 0xff;
  return out;
}

/** Bytes of an ASCII string (characters above 0x7f are not expected in portable code). */
export function fromAscii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** ASCII string of bytes. */
export function toAscii(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

const HEX = "0123456789abcdef";

/** Lower-case hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX.charAt(b[i] >>> 4) + HEX.charAt(b[i] & 15);
  return s;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/**
 * Bytes of a hex string (either case).
 * Returns undefined on odd length or a non-hex character, so callers choose their own error.
 */
export function fromHex(s: string): Uint8Array | undefined {
  if (s.length % 2 !== 0) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(s.charCodeAt(2 * i));
    const lo = hexNibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = hi * 16 + lo;
  }
  return out;
}

/** Reads an unsigned little-endian 16-bit integer. */
export function readU16(b: Uint8Array, at: number): number {
  return b[at] + b[at + 1] * 256;
}

/** Reads an unsigned little-endian 32-bit integer. */
export function readU32(b: Uint8Array, at: number): number {
  return b[at] + b[at + 1] * 256 + b[at + 2] * 65536 + b[at + 3] * 16777216;
}

/** Writes `v` (0..0xffff) little-endian. */
export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
}

/** Writes `v` (0..0xffffffff) little-endian. */
export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Reads a little-endian 64-bit unsigned integer that must fit in 2^53 (exact in a double). */
export function readU53(b: Uint8Array, at: number): number {
  return readU32(b, at) + readU32(b, at + 4) * 4294967296;
}

/** Writes `v` (0..2^53-1, an integer) as a little-endian 64-bit unsigned integer. */
export function writeU53(b: Uint8Array, at: number, v: number): void {
  const hi = Math.floor(v / 4294967296);
  writeU32(b, at, v - hi * 4294967296);
  writeU32(b, at + 4, hi);
}
