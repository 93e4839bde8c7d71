/**
 * Golden-vector runner for shared/test/vectors/ed25519.json (RFC 8032 §7.1), portable
 * (docs/portability.md) so that the same cases run in Node, in the Espruino bundle and in Lua.
 *
 * Each case: { name, seed, publicKey, message, signature } as hex, or { name, seed, error } for
 * an input that must be rejected with that SolkitError code. A good case checks the public key
 * (`publicKeyFromSeed`) and then the signature from an incremental job that derives the public
 * key itself in steps (the default budget), so both base multiplications and the stepping run.
 */
import { fromHex, toHex } from "../bytes";
import { publicKeyFromSeed, startSigning } from "../crypto/ed25519/signer";
import type { CaseResult } from "./types";

function hexField(c: any, field: string): Uint8Array {
  const b = fromHex(c[field]);
  if (b === undefined) throw new Error(`bad hex in '${field}'`);
  return b;
}

function runRejectCase(c: any): CaseResult {
  const seed = hexField(c, "seed");
  const message = hexField(c, "message");
  let code = "";
  try {
    startSigning(seed, message);
  } catch (e: any) {
    code = e && e.code ? e.code : `${e}`;
  }
  if (code !== c.error) return { name: c.name, ok: false, detail: `startSigning gave "${code}", want ${c.error}` };
  code = "";
  try {
    publicKeyFromSeed(seed);
  } catch (e: any) {
    code = e && e.code ? e.code : `${e}`;
  }
  if (code !== c.error) return { name: c.name, ok: false, detail: `publicKeyFromSeed gave "${code}", want ${c.error}` };
  return { name: c.name, ok: true, detail: "" };
}

function runCase(c: any): CaseResult {
  if (c.error !== undefined && c.error !== "") return runRejectCase(c);
  const seed = hexField(c, "seed");
  const message = hexField(c, "message");
  const pk = toHex(publicKeyFromSeed(seed));
  if (pk !== c.publicKey) return { name: c.name, ok: false, detail: `public key ${pk}, want ${c.publicKey}` };
  const job = startSigning(seed, message);
  const total = job.progress().total;
  let steps = 0;
  while (!job.step()) {
    steps++;
    if (steps > total) return { name: c.name, ok: false, detail: `more than ${total} steps` };
  }
  const sig = toHex(job.signature());
  if (sig !== c.signature) return { name: c.name, ok: false, detail: `signature ${sig}, want ${c.signature}` };
  return { name: c.name, ok: true, detail: "" };
}

/** Runs every case; never throws (an exception becomes a failed case with its message). */
export function runEd25519Vectors(cases: any[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    try {
      out.push(runCase(cases[i]));
    } catch (e: any) {
      out.push({ name: cases[i].name, ok: false, detail: `threw: ${e && e.message}` });
    }
  }
  return out;
}
