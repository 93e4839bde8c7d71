/**
 * Golden-vector runner for shared/test/vectors/sha512.json, portable (docs/portability.md).
 * Each case: { name, input: hex, digest: hex }. Every case also goes through `createSha512`
 * in two uneven pieces, to cover the buffered path of `update`.
 */
import { fromHex, slice, toHex } from "../bytes";
import { createSha512, sha512 } from "../crypto/sha512";
import type { CaseResult } from "./types";

function runCase(c: any): CaseResult {
  const input = fromHex(c.input);
  if (input === undefined) return { name: c.name, ok: false, detail: "bad hex in 'input'" };
  const oneShot = toHex(sha512(input));
  if (oneShot !== c.digest) return { name: c.name, ok: false, detail: `sha512 gave ${oneShot}, want ${c.digest}` };
  const cut = Math.floor(input.length / 3);
  const h = createSha512();
  h.update(slice(input, 0, cut));
  h.update(slice(input, cut, input.length));
  const pieces = toHex(h.digest());
  if (pieces !== c.digest) return { name: c.name, ok: false, detail: `createSha512 (split at ${cut}) gave ${pieces}` };
  return { name: c.name, ok: true, detail: "" };
}

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runSha512Vectors(cases: any[]): CaseResult[] {
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
