/**
 * MQTT payloads on the host side (PROTOCOL.md section 6). JSON lives here, not in shared/,
 * because Lua has no JSON; the device builds its reading payload by hand with
 * shared/protocol/payload.ts, and this module parses it (and anyone else's).
 *
 * Trust rule: only the raw `reading` bytes and `sig` count. The convenience copies
 * (`device`, `seq`, `hash`, `fields`) are checked against the bytes, and a payload whose
 * copies disagree is rejected, so a relay cannot make a consumer believe other numbers.
 */
import { toHex } from "../../shared/bytes";
import { SolkitError } from "../../shared/errors";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { decodeBase64 } from "../../shared/encoding/base64";
import { decodeReading, readingHash, SIGNATURE_LENGTH } from "../../shared/protocol/reading";
import type { Reading } from "../../shared/protocol/reading";
import { decodeFrameBody, encodeFrameBody } from "../../shared/protocol/frame";
import type { Frame } from "../../shared/protocol/frame";
import { readingPayloadJson } from "../../shared/protocol/payload";

/** A reading payload after its checks: raw bytes, signature (empty when none), decoded fields. */
export interface ReadingPayload {
  device: string;
  reading: Uint8Array;
  signature: Uint8Array;
  hash: string;
  fields: Reading;
}

/** JSON text of a reading frame (same bytes the device's portable builder makes). @throws SolkitError */
export function encodeReadingPayload(frame: Uint8Array): string {
  return readingPayloadJson(frame);
}

function fail(msg: string): never {
  throw new SolkitError("E_PAYLOAD", `reading payload: ${msg}`);
}

/**
 * Parses and cross-checks a reading payload (signature verification is the chain's job).
 * @throws SolkitError E_PAYLOAD (not JSON, wrong shape, copies disagree with the bytes),
 *   E_BASE64, and decodeReading's codes
 */
/**
 * A value from the payload as a message may quote it: JSON, cut short. Never `${value}`:
 * an object such as {"toString": null} throws in a template (found by the fuzz test).
 */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(typeof value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function parseReadingPayload(text: string): ReadingPayload {
  let o: any;
  try {
    o = JSON.parse(text);
  } catch {
    fail("not JSON");
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) fail("expected a JSON object");
  if (o.v !== 1) fail(`expected "v": 1, got ${JSON.stringify(o.v)}`);
  // A missing "sig" means unsigned, as "" does (the builder always writes it).
  const sigText = o.sig === undefined ? "" : o.sig;
  if (typeof o.reading !== "string" || typeof sigText !== "string") fail(`expected "reading" and "sig" base64 strings`);
  const reading = decodeBase64(o.reading);
  const signature = decodeBase64(sigText);
  if (signature.length !== 0 && signature.length !== SIGNATURE_LENGTH) {
    fail(`"sig" expected 0 or ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  }
  const fields = decodeReading(reading);
  const device = encodePublicKey(fields.deviceId);
  const hash = toHex(readingHash(reading));
  if (o.device !== undefined && o.device !== device) fail(`"device" ${shown(o.device)} is not the reading's ${device}`);
  if (o.seq !== undefined && o.seq !== fields.seq) fail(`"seq" ${shown(o.seq)} is not the reading's ${fields.seq}`);
  if (o.hash !== undefined && o.hash !== hash) fail(`"hash" does not match the reading bytes`);
  if (o.fields !== undefined) {
    // Found by the fuzz test: "fields": null threw a TypeError, not a refusal.
    if (typeof o.fields !== "object" || o.fields === null || Array.isArray(o.fields)) fail(`"fields" expected an object, got ${JSON.stringify(o.fields)}`);
    for (const [k, v] of Object.entries(o.fields)) {
      const mine = (fields as unknown as Record<string, unknown>)[k];
      const same = mine instanceof Uint8Array ? v === toHex(mine) : v === mine;
      if (!same) fail(`"fields.${k}" = ${JSON.stringify(v)} disagrees with the reading bytes`);
    }
  }
  return { device, reading, signature, hash, fields };
}

/** Payload of the `cmd` topic: the same `<base64>*<crc>` body as a serial downlink line. */
export function encodeCmdPayload(frame: Uint8Array): string {
  return encodeFrameBody(frame);
}

/** Frame of a `cmd` payload. @throws SolkitError E_FRAME, E_CRC, E_BASE64 and decodeFrame's codes */
export function parseCmdPayload(text: string): Frame {
  return decodeFrameBody(text);
}

/** Retained `status` payloads (the device's MQTT last will is "offline"). */
export const STATUS_ONLINE = "online";
export const STATUS_OFFLINE = "offline";

/** A `notice` payload: something for a person (low credit, lapse, unlock), never for a machine to trust. */
export interface Notice {
  level: "info" | "warn";
  code: string;
  text: string;
  /** Unix seconds. */
  time: number;
}

/** JSON text of a notice. */
export function encodeNotice(n: Notice): string {
  return JSON.stringify({ level: n.level, code: n.code, text: n.text, time: n.time });
}

/** A notice from JSON text. @throws SolkitError E_PAYLOAD on a wrong shape */
export function parseNotice(text: string): Notice {
  let o: any;
  try {
    o = JSON.parse(text);
  } catch {
    throw new SolkitError("E_PAYLOAD", "notice: not JSON");
  }
  if (!o || (o.level !== "info" && o.level !== "warn") || typeof o.code !== "string" || typeof o.text !== "string" || !Number.isInteger(o.time)) {
    throw new SolkitError("E_PAYLOAD", `notice: expected {"level":"info"|"warn","code":string,"text":string,"time":integer}`);
  }
  return { level: o.level, code: o.code, text: o.text, time: o.time };
}
