/**
 * The base-point table from its own Storage file (shared/crypto/ed25519/base-table-file.ts)
 * instead of base64 text in the bundle: `solkit build` swaps this module in for
 * shared/crypto/ed25519/base-table-load.ts on the espruino target. The bundle is 32 KB
 * smaller, so every upload is, and a reflash skips the table when the board's copy is
 * already right (toolchain/companion-files.ts, flash/upload.ts).
 *
 * The bytes are copied into RAM (one typed array, as the base64 decode made): the file itself
 * is flash-backed, and E.convolve over a flash-backed array read 50× slower on the real
 * desktop interpreter (0.50 s against 0.011 s for one signature's 1,536 lookups). Measured
 * there, once per boot: `set()` from the file's ArrayBuffer 22 ms and the CRC over the copy
 * 0.6 ms, against 57 + 19 ms for E.toUint8Array and E.CRC32 of the flash-backed string.
 * A file that is missing, short or damaged (a cable pulled mid-flash leaves it the right size
 * and half 0xFF) is refused by size and CRC-32, with the one thing that mends it.
 */
import { SolkitError } from "../../../shared/errors";
import { BASE_TABLE_BYTES, BASE_TABLE_CRC32, BASE_TABLE_FILE } from "../../../shared/crypto/ed25519/base-table-file";

/** The 24576 bytes of the table. @throws SolkitError E_TABLE when the file is not the table */
export function loadBaseTable(): Uint8Array {
  const file = require("Storage").readArrayBuffer(BASE_TABLE_FILE);
  let what = "missing";
  if (file !== undefined) {
    if (file.byteLength === BASE_TABLE_BYTES) {
      const table = new Uint8Array(BASE_TABLE_BYTES);
      table.set(new Uint8Array(file));
      if (E.CRC32(table) === BASE_TABLE_CRC32) return table;
      what = "damaged (CRC differs)";
    } else what = `${file.byteLength} bytes, not ${BASE_TABLE_BYTES}`;
  }
  throw new SolkitError("E_TABLE", `Storage file ${BASE_TABLE_FILE} ${what}: the device cannot sign until it is flashed again (solkit flash)`);
}
