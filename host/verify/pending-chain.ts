/**
 * Unsigned readings waiting for a signature are only candidates: nothing proves them yet,
 * and they were never acked, so the device still holds its own copies. When a reading comes
 * that contradicts them (another reading under a pending seq, or one whose `prev` does not
 * match the pending tip) but links into the chain at an earlier point, the candidates after
 * that point are dropped and the newcomer takes their place. Otherwise one forged or
 * corrupted line would wedge the device for good: its genuine reading would be refused as a
 * replay of the forgery forever. No forgery can be authenticated this way: a signature still
 * has to cover the whole chain (PROTOCOL.md 2.1).
 */
import { equalBytes } from "../../shared/bytes";
import type { ChainState } from "../../shared/protocol/chain";
import type { Reading } from "../../shared/protocol/reading";

/** What the pipeline keeps of a pending reading (the parts this needs). */
export interface PendingLink {
  reading: Reading;
  hash: Uint8Array;
}

/** True when `r` follows the reading (seq, hash) directly: seq arithmetic and hash link. */
function follows(r: Reading, seq: number, hash: Uint8Array): boolean {
  return r.seq === seq + 1 + r.dropped && equalBytes(r.prev, hash);
}

/**
 * How many of the pending readings `r` can follow (0: it links to the authenticated state
 * itself), or -1 when it links nowhere. Only a point before the end of `pending` means a
 * contradiction to resolve; the end is the ordinary case.
 */
export function relinkPoint(pending: PendingLink[], state: ChainState, r: Reading): number {
  for (let j = pending.length; j >= 1; j--) {
    const p = pending[j - 1];
    if (follows(r, p.reading.seq, p.hash)) return j;
  }
  return follows(r, state.lastSeq, state.lastHash) ? 0 : -1;
}
