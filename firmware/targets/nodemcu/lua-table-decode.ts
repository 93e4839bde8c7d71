/**
 * The base-point table for the Lua build, kept as ONE Lua string (replaces
 * shared/crypto/ed25519/table-decode.ts; toolchain/nodemcu-target.ts swaps it in).
 *
 * The portable decode makes a Uint8Array, which in Lua is a table: 16 bytes of heap per byte
 * of table on a 64-bit Lua, 12 on the ESP32 — the 24 KB table became ~420 KiB of heap the first
 * time the device signed. The Lua build goes further: toolchain/nodemcu-target.ts writes the
 * table's bytes into the bundle as a string literal where the base64 text was, so nothing is
 * decoded on the board — a constant that LFS keeps in flash (decoded at the first signature it
 * took 24 KiB of RAM, and a long callback on a chip). Only lua-table-read.ts reads it
 * (solkit_u16); the type is the module's contract.
 */
import type { decodeTable as portable } from "../../../shared/crypto/ed25519/table-decode";

/** The table: already its bytes in the Lua build (inlineTables), behind the Uint8Array type. */
export const decodeTable: typeof portable = function (s: string): Uint8Array {
  return s as unknown as Uint8Array;
};
