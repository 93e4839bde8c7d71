/**
 * The base-point table as a file of its own (base-table.ts's bytes, raw): what the Espruino
 * full build reads at run time instead of carrying the table's base64 text in its bundle, and
 * what every installer (`solkit flash`, the simulators, the real-interpreter boards) writes
 * into the board's Storage beside `.bootcde`. The CRC-32 (IEEE, as zlib and Espruino's
 * E.CRC32 compute it) lets the board refuse a file that a cut cable left half written.
 * test/shared/crypto/ed25519/base-table-file.test.ts checks both figures against base-table.ts.
 *
 * Portable code: see docs/portability.md.
 */

/** The Storage file name (not `sk.*`: flash --erase keeps it; it is firmware, not device state). */
export const BASE_TABLE_FILE = "ed25519.tbl";

/** Its size in bytes: 32 windows × 8 multiples × 3 coordinates × 16 limbs × 2 bytes. */
export const BASE_TABLE_BYTES = 24576;

/** CRC-32 of its bytes. */
export const BASE_TABLE_CRC32 = 0x329c11d6;
