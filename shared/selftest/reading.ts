/**
 * Golden-vector runner for shared/test/vectors/reading.json (PROTOCOL.md section 2).
 * Valid cases: { fields, bytes, hash, signature } — encode(fields) = bytes, decode(bytes) =
 * fields, SHA-256(bytes) = hash. Signatures are checked by the Node test with tweetnacl, not
 * here (no Ed25519 verify is cheap enough on every target). Rejected cases: { bytes, error }.
 */
import { toHex } from "../bytes";
import { decodeReading, encodeReading, readingHash, readingSigningInput } from "../protocol/reading";
import { READING_SIGN_PREFIX } from "../protocol/common";
import { compareFields, expectThrow, hexIn, runEach } from "./protocol-util";
import type { CaseResult } from "./types";

const NUM = ["flags", "timeQuality", "relay", "outbox", "seq", "dropped", "time", "uptime", "boot", "interval", "energyIn", "energyOut", "power", "credit"];
const HEX = ["deviceId", "prev"];

function one(c: any): string {
  const bytes = hexIn(c.bytes, "bytes");
  if (c.error !== undefined) return expectThrow(() => { decodeReading(bytes); }, c.error);
  const f = c.fields;
  const encoded = toHex(encodeReading({
    flags: f.flags, timeQuality: f.timeQuality, relay: f.relay, outbox: f.outbox, deviceId: hexIn(f.deviceId, "deviceId"),
    seq: f.seq, dropped: f.dropped, time: f.time, uptime: f.uptime, boot: f.boot, interval: f.interval,
    energyIn: f.energyIn, energyOut: f.energyOut, power: f.power, credit: f.credit, prev: hexIn(f.prev, "prev"),
  }));
  if (encoded !== c.bytes) return `encodeReading gave ${encoded}`;
  const diff = compareFields(decodeReading(bytes), f, NUM, HEX);
  if (diff !== "") return `decodeReading: ${diff}`;
  const h = toHex(readingHash(bytes));
  if (h !== c.hash) return `readingHash gave ${h}, want ${c.hash}`;
  const input = toHex(readingSigningInput(bytes));
  if (input !== toHex(READING_SIGN_PREFIX) + c.bytes) return "readingSigningInput is not prefix || bytes";
  return "";
}

/** Runs every case; never throws. */
export function runReadingVectors(cases: any[]): CaseResult[] {
  return runEach(cases, one);
}
