/**
 * Golden-vector runner for shared/test/vectors/ack.json (PROTOCOL.md section 3).
 * Valid: { key, fields, bytes, mac, device, newestSeq } — encode = bytes, decode = fields,
 * verifyAck ok. Decode rejections: { bytes, error }. Verify rejections: { bytes, key,
 * device, newestSeq, error } — bytes decode, verifyAck's reason = error.
 */
import { toHex } from "../bytes";
import { decodeAck, encodeAck, verifyAck } from "../protocol/ack";
import { compareFields, expectThrow, hexIn, runEach } from "./protocol-util";
import type { CaseResult } from "./types";

function one(c: any): string {
  const bytes = hexIn(c.bytes, "bytes");
  if (c.key === undefined) return expectThrow(() => { decodeAck(bytes); }, c.error);
  const key = hexIn(c.key, "key");
  const device = hexIn(c.device, "device");
  if (c.error !== undefined) {
    decodeAck(bytes);
    const v = verifyAck(bytes, key, device, c.newestSeq);
    return v.reason === c.error ? "" : `verifyAck reason ${v.reason}, want ${c.error}`;
  }
  const f = c.fields;
  const enc = toHex(encodeAck({ deviceId: hexIn(f.deviceId, "deviceId"), seq: f.seq, hostTime: f.hostTime }, key));
  if (enc !== c.bytes) return `encodeAck gave ${enc}`;
  const d = decodeAck(bytes);
  const diff = compareFields(d, f, ["seq", "hostTime"], ["deviceId"]);
  if (diff !== "") return `decodeAck: ${diff}`;
  if (toHex(d.mac) !== c.mac) return `decodeAck: mac ${toHex(d.mac)}, want ${c.mac}`;
  const v = verifyAck(bytes, key, device, c.newestSeq);
  return v.ok ? "" : `verifyAck rejected: ${v.reason}`;
}

/** Runs every case; never throws. */
export function runAckVectors(cases: any[]): CaseResult[] {
  return runEach(cases, one);
}
