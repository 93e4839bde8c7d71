/**
 * The base-point table decoded by the interpreter itself: `atob` and `E.toUint8Array` are
 * native on Espruino, about 5 ms for the 32 KB of text on the real desktop interpreter,
 * against 2.2–2.8 s for the portable loop in one event-loop block (issue 9). `solkit build`
 * swaps shared/crypto/ed25519/table-decode.ts for this module on the espruino target.
 */

/** The bytes of base64 `s`. */
export function decodeTable(s: string): Uint8Array {
  return E.toUint8Array(atob(s));
}
