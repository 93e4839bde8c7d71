/**
 * Golden-vector runner for shared/test/vectors/hmac-sha256.json (RFC 4231), portable
 * (docs/portability.md). Each case: { name, key: hex, data: hex, mac: hex, truncate?: bytes }.
 * With `truncate`, only the first `truncate` bytes of the MAC are compared (RFC 4231 case 5).
 */
import { fromHex, slice, toHex } from "../bytes";
import { hmacSha256 } from "../crypto/hmac";
import type { CaseResult } from "./types";
import { runEach } from "./run-each";

function runCase(c: any): string {
  const key = fromHex(c.key);
  const data = fromHex(c.data);
  if (key === undefined || data === undefined) return "bad hex in 'key' or 'data'";
  let mac = hmacSha256(key, data);
  if (c.truncate !== undefined) mac = slice(mac, 0, c.truncate);
  const got = toHex(mac);
  if (got !== c.mac) return `hmacSha256 gave ${got}, want ${c.mac}`;
  return "";
}

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runHmacSha256Vectors(cases: any[]): CaseResult[] {
  return runEach(cases, runCase);
}
