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
import { decodeReading, readingHash } from "./reading";
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

/**
 * The upstream JSON payload of a reading frame (reading bytes, optionally + signature):
 * `{"v":1,"device":"G…","seq":n,"reading":"<base64>","sig":"<base64 or empty>","hash":"<hex>","fields":{…}}`
 * with keys in exactly this order (PROTOCOL.md 6.2).
 * @throws SolkitError E_KIND when the frame is not a reading, and decodeFrame's codes
 */
export function readingPayloadJson(frame: Uint8Array, hash?: HashFn): string {
  const f = decodeFrame(frame);
  if (f.kind !== KIND_READING) throw new SolkitError("E_KIND", `reading payload: expected a reading frame, got kind ${f.kind}`);
  const r = decodeReading(f.message);
  const fields =
    `{"flags":${decimal(r.flags)},"timeQuality":${decimal(r.timeQuality)},"relay":${decimal(r.relay)}` +
    `,"dropped":${decimal(r.dropped)},"time":${decimal(r.time)},"uptime":${decimal(r.uptime)}` +
    `,"boot":${decimal(r.boot)},"interval":${decimal(r.interval)},"energyIn":${decimal(r.energyIn)}` +
    `,"energyOut":${decimal(r.energyOut)},"power":${decimal(r.power)},"credit":${decimal(r.credit)}` +
    `,"prev":"${toHex(r.prev)}"}`;
  return (
    `{"v":1,"device":"${encodePublicKey(r.deviceId)}","seq":${decimal(r.seq)}` +
    `,"reading":"${encodeBase64(f.message)}","sig":"${encodeBase64(f.signature)}"` +
    `,"hash":"${toHex(readingHash(f.message, hash))}","fields":${fields}}`
  );
}
