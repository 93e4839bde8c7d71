/**
 * Golden-vector runner for shared/test/vectors/chain.json (PROTOCOL.md section 7).
 * Each case: { publicKey, lastSeq, lastHash, items: [{ reading, signature, sigValid }],
 * expect: [{ status, seq, by, reason }], finalSeq, finalHash, pending }.
 *
 * Ed25519: pass a real Verifier (the Node test passes tweetnacl). Without one — on Espruino
 * and Lua, where a verify costs too much — the runner answers each verify from the vector's
 * `sigValid` (computed by tweetnacl when the file was made), after checking that the message
 * asked about is exactly prefix || that reading. So the hash chain, sequence and ordering
 * logic are checked everywhere; Ed25519 itself is covered by ed25519.json.
 */
import { concat, toHex } from "../bytes";
import type { Verifier } from "../crypto/types";
import { READING_SIGN_PREFIX } from "../protocol/common";
import { verifyChain } from "../protocol/chain";
import type { ChainItem } from "../protocol/chain";
import { hexIn, runEach } from "./protocol-util";
import type { CaseResult } from "./types";

/** A Verifier that answers from the case's recorded tweetnacl results. */
function tableVerifier(items: any[]): Verifier {
  return {
    verify: (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean => {
      const m = toHex(message);
      const s = toHex(signature);
      for (let i = 0; i < items.length; i++) {
        const want = toHex(concat([READING_SIGN_PREFIX, hexIn(items[i].reading, "reading")]));
        if (items[i].signature === s && want === m) return items[i].sigValid === true;
      }
      return false;
    },
  };
}

function runCase(c: any, verifier: Verifier | undefined): string {
  const items: ChainItem[] = [];
  for (let i = 0; i < (c.items as any[]).length; i++) {
    items.push({ reading: hexIn((c.items as any[])[i].reading, "reading"), signature: hexIn((c.items as any[])[i].signature, "signature") });
  }
  const v = verifier !== undefined ? verifier : tableVerifier(c.items);
  const r = verifyChain(items, { lastSeq: c.lastSeq, lastHash: hexIn(c.lastHash, "lastHash") }, hexIn(c.publicKey, "publicKey"), v);
  if (r.verdicts.length !== (c.expect as any[]).length) return `${r.verdicts.length} verdicts, want ${(c.expect as any[]).length}`;
  for (let i = 0; i < (c.expect as any[]).length; i++) {
    const g = r.verdicts[i];
    const w = (c.expect as any[])[i];
    if (g.status !== w.status || g.seq !== w.seq || g.by !== w.by || g.reason !== w.reason) {
      return `item ${i}: got ${g.status} seq ${g.seq} by ${g.by} ${g.reason}, want ${w.status} seq ${w.seq} by ${w.by} ${w.reason}`;
    }
  }
  if (r.state.lastSeq !== c.finalSeq) return `final lastSeq ${r.state.lastSeq}, want ${c.finalSeq}`;
  if (toHex(r.state.lastHash) !== c.finalHash) return `final lastHash ${toHex(r.state.lastHash)}, want ${c.finalHash}`;
  if (r.pending !== c.pending) return `pending ${r.pending}, want ${c.pending}`;
  return "";
}

/** Runs every case; never throws. `verifier` is optional: see the file comment. */
export function runChainVectors(cases: any[], verifier?: Verifier): CaseResult[] {
  return runEach(cases, (c: any) => runCase(c, verifier));
}
