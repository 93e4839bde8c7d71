/**
 * Golden-vector runner for shared/test/vectors/hmac-sha256.json (RFC 4231), portable
 * (docs/portability.md). Each case: { name, key: hex, data: hex, mac: hex, truncate?: bytes }.
 * With `truncate`, only the first `truncate` bytes of the MAC are compared (RFC 4231 case 5).
 */
import { fromHex, slice, toHex } from "../bytes";
import { hmacSha256 } from "../crypto/hmac";
import type { CaseResult } from "./types";

function runCase(c: any): CaseResult {
  const key = fromHex(c.key);
  const data = fromHex(c.data);
  if (key === undefined || data === undefined) return { name: c.name, ok: false, detail: "bad hex in 'key' or 'data'" };
  let mac = hmacSha256(key, data);
  if (c.truncate !== undefined) mac = slice(mac, 0, c.truncate);
  const got = toHex(mac);
  if (got !== c.mac) return { name: c.name, ok: false, detail: `hmacSha256 gave ${got}, want ${c.mac}` };
  return { name: c.name, ok: true, detail: "" };
}

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runHmacSha256Vectors(cases: any[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    try {
      out.push(runCase(cases[i]));
    } catch (e: any) {
      out.push({ name: cases[i].name, ok: false, detail: `threw: ${e && e.message ? e.message : e}` });
    }
  }
  return out;
}
