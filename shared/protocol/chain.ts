/**
 * Hash-chain and signature verification of one device's readings (PROTOCOL.md 2.1, 2.2, 7).
 *
 * Pure function over (items, last authenticated state): the host keeps unsigned readings
 * pending and simply calls again with the pending items plus the new ones when more arrive;
 * re-checking pending items costs one SHA-256 each and no signature verification (they have
 * none). A signature on reading n authenticates n and every pending reading before it,
 * because each `prev` commits to its predecessor's bytes.
 */
import { equalBytes, slice } from "../bytes";
import type { HashFn, Verifier } from "../crypto/types";
import { checkBytes, errorCode } from "./common";
import { SIGNATURE_LENGTH, decodeReading, readingHash, readingSigningInput } from "./reading";

/** One reading as received: its 120 bytes and its signature (empty when it has none). */
export interface ChainItem {
  reading: Uint8Array;
  signature: Uint8Array;
}

/** The last authenticated reading of a device: lastSeq -1 and 32 zero bytes for none yet. */
export interface ChainState {
  lastSeq: number;
  lastHash: Uint8Array;
}

/** Verdict statuses. */
export const AUTHENTICATED = "authenticated";
export const PENDING = "pending";
export const REJECTED = "rejected";

/** The verdict on one item. */
export interface ChainVerdict {
  /** AUTHENTICATED, PENDING or REJECTED. */
  status: string;
  /** The reading's sequence number; -1 when it did not decode. */
  seq: number;
  /** For AUTHENTICATED: seq of the reading whose signature covers this one; else -1. */
  by: number;
  /** For REJECTED: E_WRONG_DEVICE, E_REPLAY, E_GAP, E_CHAIN_BROKEN, E_BAD_SIGNATURE or a decode code; else "". */
  reason: string;
}

/** Verdicts in item order, the new authenticated state, and how many items stay pending. */
export interface ChainResult {
  verdicts: ChainVerdict[];
  state: ChainState;
  pending: number;
}

/** State of a device never heard from: no sequence yet, prev of the first reading = zeros. */
export function freshChainState(): ChainState {
  return { lastSeq: -1, lastHash: new Uint8Array(32) };
}

function rejected(seq: number, reason: string): ChainVerdict {
  return { status: REJECTED, seq: seq, by: -1, reason: reason };
}

/**
 * Verifies readings of the device `publicKey`, in the order given, after `state`.
 * A rejected item does not move the chain: the next item must still link to the last good
 * one. Items after the last signature stay PENDING and `state` does not include them.
 * @throws SolkitError E_LENGTH when `publicKey` or `state.lastHash` is not 32 bytes
 */
export function verifyChain(items: ChainItem[], state: ChainState, publicKey: Uint8Array, verifier: Verifier, hash?: HashFn): ChainResult {
  checkBytes("publicKey", publicKey, 32);
  checkBytes("state.lastHash", state.lastHash, 32);
  const verdicts: ChainVerdict[] = [];
  let authSeq = state.lastSeq;
  let authHash = state.lastHash;
  // Tip of the chain including pending readings: what the next reading must link to.
  let tipSeq = state.lastSeq;
  let tipHash = state.lastHash;
  let pendingFrom = 0; // verdicts[pendingFrom..] that are PENDING wait for a signature
  for (let i = 0; i < items.length; i++) {
    const bytes = items[i].reading;
    const sig = items[i].signature;
    let seq = -1;
    let reason = "";
    let h: Uint8Array = tipHash;
    try {
      const r = decodeReading(bytes);
      seq = r.seq;
      if (!equalBytes(r.deviceId, publicKey)) reason = "E_WRONG_DEVICE";
      else if (r.seq <= tipSeq) reason = "E_REPLAY";
      else if (r.seq !== tipSeq + 1 + r.dropped) reason = "E_GAP";
      else if (!equalBytes(r.prev, tipHash)) reason = "E_CHAIN_BROKEN";
      else {
        h = readingHash(bytes, hash);
        if (sig.length > 0) {
          let good = false;
          if (sig.length === SIGNATURE_LENGTH) {
            try {
              good = verifier.verify(readingSigningInput(bytes), sig, publicKey);
            } catch (e) {
              good = false;
            }
          }
          if (!good) reason = "E_BAD_SIGNATURE";
        }
      }
    } catch (e) {
      reason = errorCode(e);
    }
    if (reason !== "") {
      verdicts.push(rejected(seq, reason));
      continue;
    }
    tipSeq = seq;
    tipHash = h;
    if (sig.length === 0) {
      verdicts.push({ status: PENDING, seq: seq, by: -1, reason: "" });
      continue;
    }
    verdicts.push({ status: AUTHENTICATED, seq: seq, by: seq, reason: "" });
    for (let j = pendingFrom; j < i; j++) {
      if (verdicts[j].status === PENDING) {
        verdicts[j].status = AUTHENTICATED;
        verdicts[j].by = seq;
      }
    }
    pendingFrom = i + 1;
    authSeq = seq;
    authHash = h;
  }
  let pending = 0;
  for (let j = pendingFrom; j < verdicts.length; j++) if (verdicts[j].status === PENDING) pending++;
  return { verdicts: verdicts, state: { lastSeq: authSeq, lastHash: slice(authHash, 0, 32) }, pending: pending };
}
