/**
 * Parses the upstream MQTT reading payload (PROTOCOL.md, MQTT section) back into frame bytes.
 * Only the raw `reading` bytes and `sig` are trusted: the convenience copies (`device`, `seq`)
 * must agree with the bytes, or the payload is rejected — a relay that edits them is caught.
 */
import { SolkitError } from "../../shared/errors";
import { decodeBase64 } from "../../shared/encoding/base64";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { encodeFrame } from "../../shared/protocol/frame";
import { decodeReading } from "../../shared/protocol/reading";

/**
 * Frame bytes (reading, plus signature when present) of a JSON reading payload.
 * @throws SolkitError E_PAYLOAD when the JSON is malformed or its copies disagree with the bytes,
 *   and the codec's codes when the bytes are not a valid reading
 */
export function frameFromReadingPayload(text: string): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SolkitError("E_PAYLOAD", `payload: not JSON (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SolkitError("E_PAYLOAD", "payload: expected a JSON object");
  }
  const p = value as Record<string, unknown>;
  if (p.v !== 1) throw new SolkitError("E_PAYLOAD", `payload: expected "v": 1, got ${JSON.stringify(p.v)}`);
  if (typeof p.reading !== "string") throw new SolkitError("E_PAYLOAD", 'payload: "reading" must be a base64 string');
  const sigText = p.sig === undefined ? "" : p.sig;
  if (typeof sigText !== "string") throw new SolkitError("E_PAYLOAD", 'payload: "sig" must be a base64 string');
  const reading = decodeBase64(p.reading);
  const sig = decodeBase64(sigText);
  const frame = encodeFrame(reading, sig);
  const fields = decodeReading(reading);
  if (p.device !== undefined && p.device !== encodePublicKey(fields.deviceId)) {
    throw new SolkitError("E_PAYLOAD", `payload: "device" ${String(p.device)} does not match the signed bytes`);
  }
  if (p.seq !== undefined && p.seq !== fields.seq) {
    throw new SolkitError("E_PAYLOAD", `payload: "seq" ${String(p.seq)} does not match the signed bytes (${fields.seq})`);
  }
  return frame;
}
