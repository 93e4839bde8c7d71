/**
 * Where base-mul.ts gets the base-point table's bytes: decoded from the base64 text compiled
 * into the program (base-table.ts). A module of its own so that a target can take the bytes
 * from elsewhere: the Espruino full build reads them from a Storage file that `solkit flash`
 * installs beside the bundle (firmware/targets/espruino/storage-base-table.ts), which keeps
 * 32 KB of base64 out of every upload.
 *
 * Portable code: see docs/portability.md.
 */
import { BASE_TABLE_BASE64 } from "./base-table";
import { decodeTable } from "./table-decode";

/** The 24576 bytes of the table. */
export function loadBaseTable(): Uint8Array {
  return decodeTable(BASE_TABLE_BASE64);
}
