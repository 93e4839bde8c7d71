/**
 * Golden-vector runner for shared/test/vectors/token.json (PROTOCOL.md section 4).
 * Valid: { key, fields, bytes, mac, device, lastCounter } — encode = bytes, decode = fields,
 * verifyToken ok. Decode rejections: { bytes, error }. Verify rejections: { bytes, key,
 * device, lastCounter, error } — bytes decode, verifyToken's reason = error.
 */
import { toHex } from "../bytes";
import { decodeToken, encodeToken, verifyToken } from "../protocol/token";
import type { ConfigEntry } from "../protocol/token";
import { compareFields, expectThrow, hexIn, runEach } from "./protocol-util";
import type { CaseResult } from "./types";

function configOf(list: any[]): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  for (let i = 0; i < list.length; i++) out.push({ key: list[i].key, value: list[i].value });
  return out;
}

function one(c: any): string {
  const bytes = hexIn(c.bytes, "bytes");
  if (c.key === undefined) return expectThrow(() => { decodeToken(bytes); }, c.error);
  const key = hexIn(c.key, "key");
  const device = hexIn(c.device, "device");
  if (c.error !== undefined) {
    decodeToken(bytes);
    const v = verifyToken(bytes, key, device, c.lastCounter);
    return v.reason === c.error ? "" : `verifyToken reason ${v.reason}, want ${c.error}`;
  }
  const f = c.fields;
  const enc = toHex(encodeToken({
    tokenKind: f.tokenKind, deviceId: hexIn(f.deviceId, "deviceId"), counter: f.counter,
    amount: f.amount, config: configOf(f.config),
  }, key));
  if (enc !== c.bytes) return `encodeToken gave ${enc}`;
  const d = decodeToken(bytes);
  const diff = compareFields(d, f, ["tokenKind", "counter", "amount"], ["deviceId"]);
  if (diff !== "") return `decodeToken: ${diff}`;
  if (d.config.length !== (f.config as any[]).length) return `decodeToken: ${d.config.length} config entries, want ${(f.config as any[]).length}`;
  for (let i = 0; i < d.config.length; i++) {
    const e = compareFields(d.config[i], (f.config as any[])[i], ["key", "value"], []);
    if (e !== "") return `decodeToken config[${i}]: ${e}`;
  }
  if (toHex(d.mac) !== c.mac) return `decodeToken: mac ${toHex(d.mac)}, want ${c.mac}`;
  const v = verifyToken(bytes, key, device, c.lastCounter);
  return v.ok ? "" : `verifyToken rejected: ${v.reason}`;
}

/** Runs every case; never throws. */
export function runTokenVectors(cases: any[]): CaseResult[] {
  return runEach(cases, one);
}
