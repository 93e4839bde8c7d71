/**
 * The MQTT reading payload as a JSON string, built by hand (PROTOCOL.md 6.2): devices on
 * Wi-Fi publish it themselves and Lua has no JSON. Consumers must verify the raw `reading`
 * bytes and `sig`; the `fields` object is a convenience copy and is never trusted.
 */
import { toHex } from "../bytes";
import type { HashFn } from "../crypto/types";
import { encodePublicKey } from "../crypto/strkey";
import { encodeBase64 } from "../encoding/base64";
import { decodeFrame } from "./frame";
import { decodeReading, readingHash, type Reading } from "./reading";
import { KIND_READING } from "./common";
import { SolkitError } from "../errors";

/**
 * Decimal text of an integer. Not `${n}`: in Lua an integer-valued float prints as "12.0",
 * which would make the payload depend on how the number was computed.
 */
export function decimal(n: number): string {
  if (n === 0) return "0";
  let neg = false;
  let v = n;
  if (v < 0) {
    neg = true;
    v = -v;
  }
  let s = "";
  while (v > 0) {
    const q = Math.floor(v / 10);
    s = String.fromCharCode(48 + (v - q * 10)) + s;
    v = q;
  }
  return neg ? `-${s}` : s;
}

/** The parts of a reading payload, each already in its text form. */
export interface PayloadParts {
  /** The device's G… id. */
  device: string;
  reading: Reading;
  /** Base64 of the reading bytes. */
  readingBase64: string;
  /** Base64 of the signature, "" when unsigned. */
  sigBase64: string;
  /** Hex of the reading's hash. */
  hashHex: string;
  /** Hex of the reading's `prev` (the hash before it). */
  prevHex: string;
}

/**
 * The payload text from its parts, keys in exactly PROTOCOL.md 6.2's order. The one place the
 * layout is written: the device builds the parts with the portable codecs
 * (readingPayloadJson), the gateway with native ones from what it already decoded.
 */
export function readingPayloadText(p: PayloadParts): string {
  const r = p.reading;
  const fields =
    `{"flags":${decimal(r.flags)},"timeQuality":${decimal(r.timeQuality)},"relay":${decimal(r.relay)}` +
    `,"dropped":${decimal(r.dropped)},"time":${decimal(r.time)},"uptime":${decimal(r.uptime)}` +
    `,"boot":${decimal(r.boot)},"interval":${decimal(r.interval)},"energyIn":${decimal(r.energyIn)}` +
    `,"energyOut":${decimal(r.energyOut)},"power":${decimal(r.power)},"credit":${decimal(r.credit)}` +
    `,"prev":"${p.prevHex}"}`;
  return (
    `{"v":1,"device":"${p.device}","seq":${decimal(r.seq)}` +
    `,"reading":"${p.readingBase64}","sig":"${p.sigBase64}"` +
    `,"hash":"${p.hashHex}","fields":${fields}}`
  );
}

/**
 * The upstream JSON payload of a reading frame (reading bytes, optionally + signature):
 * `{"v":1,"device":"G…","seq":n,"reading":"<base64>","sig":"<base64 or empty>","hash":"<hex>","fields":{…}}`
 * with keys in exactly this order (PROTOCOL.md 6.2).
 * @throws SolkitError E_KIND when the frame is not a reading, and decodeFrame's codes
 */
export function readingPayloadJson(frame: Uint8Array, hash?: HashFn): string {
  const f = decodeFrame(frame);
  if (f.kind !== KIND_READING) throw new SolkitError("E_KIND", `reading payload: expected a reading frame, got kind ${f.kind}`);
  const reading = decodeReading(f.message);
  return readingPayloadText({
    device: encodePublicKey(reading.deviceId), reading, readingBase64: encodeBase64(f.message),
    sigBase64: encodeBase64(f.signature), hashHex: toHex(readingHash(f.message, hash)), prevHex: toHex(reading.prev),
  });
}
