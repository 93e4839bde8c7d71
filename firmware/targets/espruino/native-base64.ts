/**
 * Base64 by the interpreter itself: `btoa`/`atob` with `E.toString`/`E.toUint8Array` are
 * native on Espruino, 0.02 ms for a 200-byte frame on the real desktop interpreter against
 * about 20 ms for the portable loop (shared/encoding/base64.ts), which made every uplink line
 * a 35 ms event-loop block with its CRC (issue 9). `solkit build` swaps this module in on the
 * espruino target.
 *
 * atob is lenient (it skips what is not base64), so a decoded text counts only when encoding
 * the bytes again gives the very same text: exactly the canonical base64 the portable decoder
 * accepts. Anything else goes to the portable decoder, which refuses it with its precise
 * E_BASE64 message, so a bad line logs the same words on every target.
 */
import { decodeBase64 as portableDecode, encodeBase64 as portableEncode } from "../../../shared/encoding/base64";

export { ALPHABET } from "../../../shared/encoding/base64";

/** Base64 text of `data`, with `=` padding. */
export function encodeBase64(data: Uint8Array): string {
  const binary = E.toString(data);
  // E.toString answers undefined when it cannot allocate the string: the portable loop can.
  return typeof binary === "string" ? btoa(binary) : portableEncode(data);
}

/**
 * Bytes of canonical base64 text.
 * @throws SolkitError E_BASE64 as shared/encoding/base64.ts does
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 === 0) {
    let binary: string | undefined = undefined;
    try {
      binary = atob(text); // Espruino's skips bad characters; a stricter atob may throw
    } catch (e) {
      binary = undefined;
    }
    if (binary !== undefined && btoa(binary) === text) return E.toUint8Array(binary);
  }
  return portableDecode(text);
}
