/**
 * The reading payload the gateway relays upstream, built from what the pipeline has already
 * decoded (the reading, its hash, the device id) with Node's native base64 and hex. The same
 * text as shared/protocol/payload.ts readingPayloadJson, which decodes the frame again and
 * encodes with the portable codecs: at 1,000 readings a second that rebuild allocated about
 * 14 KB per reading and was the largest part of the event loop's garbage (bench/gateway.ts).
 */
import { readingPayloadText } from "../../shared/protocol/payload";
import type { Reading } from "../../shared/protocol/reading";

function view(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.length);
}

/**
 * @param device the G… id of `reading.deviceId`
 * @param bytes the reading's bytes; `sig` its signature (empty when unsigned); `hash` its hash
 */
export function relayPayload(device: string, reading: Reading, bytes: Uint8Array, sig: Uint8Array, hash: Uint8Array): string {
  return readingPayloadText({
    device, reading, readingBase64: view(bytes).toString("base64"), sigBase64: view(sig).toString("base64"),
    hashHex: view(hash).toString("hex"), prevHex: view(reading.prev).toString("hex"),
  });
}
