/**
 * The base-point table's reader for the Lua build (replaces shared/crypto/ed25519/table-read.ts;
 * toolchain/nodemcu-target.ts swaps it in): the table is one Lua string (lua-table-decode.ts),
 * read two bytes at a time by string.byte (solkit_u16, nodemcu-prelude.lua).
 */
import type { tableU16 as portable } from "../../../shared/crypto/ed25519/table-read";

/** Bytes p and p+1 of the table string, little-endian. */
export const tableU16: typeof portable = function (t: Uint8Array, p: number): number {
  return solkit_u16(t, p);
};
