/**
 * One little-endian 16-bit limb of the base-point table (base-lookup.ts reads it this way). A
 * module of its own so that a target can swap in its own reader: the Lua build keeps the table
 * as one Lua string, not a typed array (firmware/targets/nodemcu/lua-table-read.ts).
 *
 * Portable code: see docs/portability.md.
 */

/** Bytes p and p+1 of the table, little-endian. */
export function tableU16(t: Uint8Array, p: number): number {
  return t[p] + 256 * t[p + 1];
}
