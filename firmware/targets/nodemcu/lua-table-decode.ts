/**
 * The base-point table for the Lua build, kept as ONE Lua string (replaces
 * shared/crypto/ed25519/table-decode.ts; toolchain/nodemcu-target.ts swaps it in).
 *
 * The portable decode makes a Uint8Array, which in Lua is a table: 16 bytes of heap per byte
 * of table on a 64-bit Lua, 12 on the ESP32 — the 26 KB table became ~420 KiB of heap the first
 * time the device signed (measured: 362 KiB at boot, 875 after provisioning). As a string it
 * stays 26 KB. Only lua-table-read.ts reads it (solkit_u16); the type is the module's contract.
 */
import type { decodeTable as portable } from "../../../shared/crypto/ed25519/table-decode";

/** The bytes of base64 `s` as a Lua string behind the Uint8Array type (read with solkit_u16). */
export const decodeTable: typeof portable = function (s: string): Uint8Array {
  return solkit_base64_string(s) as unknown as Uint8Array;
};
