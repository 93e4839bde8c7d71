/**
 * Golden-vector runner for shared/test/vectors/strkey.json (Stellar SEP-23), portable
 * (docs/portability.md).
 *
 * Each case: { name, type: "public" | "seed", strkey, raw?: hex, error?: "E_STRKEY" }.
 * Accepted cases must encode `raw` to exactly `strkey` and decode back; rejected cases must
 * throw a SolkitError with the code in `error` from the decoder `type` names.
 */
import { fromHex, toHex } from "../bytes";
import { decodePublicKey, decodeSecretSeed, encodePublicKey, encodeSecretSeed, isPublicKey } from "../crypto/strkey";
import type { CaseResult } from "./types";

function decodeAs(type: string, text: string): Uint8Array {
  return type === "public" ? decodePublicKey(text) : decodeSecretSeed(text);
}

function runRejected(c: any): CaseResult {
  try {
    decodeAs(c.type, c.strkey);
  } catch (e: any) {
    const code = e && e.code;
    if (code === c.error) return { name: c.name, ok: true, detail: "" };
    return { name: c.name, ok: false, detail: `threw ${code} (${e && e.message}), want ${c.error}` };
  }
  return { name: c.name, ok: false, detail: `decoded without error, want ${c.error}` };
}

function runAccepted(c: any): CaseResult {
  const raw = fromHex(c.raw);
  if (raw === undefined) return { name: c.name, ok: false, detail: "bad hex in 'raw'" };
  const text = c.type === "public" ? encodePublicKey(raw) : encodeSecretSeed(raw);
  if (text !== c.strkey) return { name: c.name, ok: false, detail: `encoded to ${text}, want ${c.strkey}` };
  const back = toHex(decodeAs(c.type, c.strkey));
  if (back !== c.raw) return { name: c.name, ok: false, detail: `decoded to ${back}, want ${c.raw}` };
  if (c.type === "public" && !isPublicKey(c.strkey)) return { name: c.name, ok: false, detail: "isPublicKey said false" };
  if (c.type === "seed" && isPublicKey(c.strkey)) return { name: c.name, ok: false, detail: "isPublicKey said true for a seed" };
  return { name: c.name, ok: true, detail: "" };
}

/** Runs every case; never throws (an unexpected exception becomes a failed case). */
export function runStrkeyVectors(cases: any[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    try {
      out.push(c.error !== undefined ? runRejected(c) : runAccepted(c));
    } catch (e: any) {
      out.push({ name: c.name, ok: false, detail: `threw: ${e && e.message ? e.message : e}` });
    }
  }
  return out;
}
