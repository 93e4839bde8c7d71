/**
 * Verifies a stream of frames from any number of devices, as they come: the engine behind
 * `solkit verify`. Readings are checked with the portable chain verifier; an unsigned reading
 * waits until a signed one after it authenticates it, and is "unproven" if none comes.
 * Acks and tokens are checked when the per-device HMAC key is given.
 */
import { toHex } from "../../shared/bytes";
import type { Verifier } from "../../shared/crypto/types";
import { encodePublicKey } from "../../shared/crypto/strkey";
import { AUTHENTICATED, PENDING, REJECTED, verifyChain, type ChainItem, type ChainState } from "../../shared/protocol/chain";
import { KIND_ACK, KIND_READING, KIND_TOKEN } from "../../shared/protocol/common";
import type { Frame } from "../../shared/protocol/frame";
import { decodeReading, readingHash, type Reading } from "../../shared/protocol/reading";
import { nodeSha256 } from "../crypto/node-sha256";
import { relinkPoint } from "./pending-chain";
import { decodeAck, verifyAck, type Ack } from "../../shared/protocol/ack";
import { decodeToken, verifyToken, type Token } from "../../shared/protocol/token";

/** "duplicate": the very bytes of a reading already seen again (a device re-sends until acked). */
export type Status = "valid" | "invalid" | "unproven" | "duplicate";

/** The verdict on one input frame (or one line that failed to be a frame). */
export interface Verdict<R> {
  ref: R;
  status: Status;
  kind: "reading" | "ack" | "token" | "line";
  /** StrKey id of the device, when known. */
  device?: string;
  reading?: Reading;
  ack?: Ack;
  token?: Token;
  /** Sequence number of the signed reading that authenticated this one. */
  by?: number;
  /** Error code (invalid) or why it is unproven. */
  reason?: string;
}

interface DeviceChain<R> {
  state: ChainState;
  pending: { item: ChainItem; ref: R; reading: Reading }[];
  /** seq → digest of the reading bytes accepted or pending (digestOf), to tell a re-send from a replay. */
  seen: Map<number, string>;
}

/** Readings per device remembered for duplicate detection; a device re-sends only its unacked tail. */
const MAX_SEEN = 4096;

/**
 * What is kept of a reading's bytes to tell a re-send from a replay: the first 16 bytes of
 * their SHA-256 (a second reading under the same seq with the same 128-bit digest is out of
 * reach), as one flat string. Not the bytes as toHex built them: V8 kept those as a rope of
 * ~240 pieces, ~6 KB a reading, and a simulated fleet's light host grew by half a megabyte per
 * board-hour; a device's MAX_SEEN digests take ~0.25 MB where its readings' bytes took ~0.7 MB.
 */
function digestOf(b: Uint8Array): string {
  const d = nodeSha256(b);
  return Buffer.from(d.buffer, d.byteOffset, 16).toString("latin1");
}

/** Most unsigned readings one device may have waiting; older ones become unproven. */
const MAX_PENDING = 10_000;

export class StreamVerifier<R> {
  private readonly chains = new Map<string, DeviceChain<R>>();

  constructor(
    private readonly verifier: Verifier,
    private readonly hmacKey?: Uint8Array,
  ) {}

  /** A line that was not a valid frame (bad CRC, bad base64, malformed message…). */
  lineError(ref: R, code: string): Verdict<R> {
    return { ref, status: "invalid", kind: "line", reason: code };
  }

  /** Checks one frame; returns every verdict it settles (possibly earlier pending readings too). */
  add(frame: Frame, ref: R): Verdict<R>[] {
    if (frame.kind === KIND_READING) return this.addReading(frame, ref);
    if (frame.kind === KIND_ACK) return [this.checkAck(frame.message, ref)];
    if (frame.kind === KIND_TOKEN) return [this.checkToken(frame.message, ref)];
    return [{ ref, status: "invalid", kind: "line", reason: "E_KIND" }];
  }

  /** Readings still waiting for a signature when the input ends: unproven. */
  finish(): Verdict<R>[] {
    const out: Verdict<R>[] = [];
    for (const chain of this.chains.values()) {
      for (const p of chain.pending) out.push(this.unsigned(p.ref, p.reading));
      chain.pending = [];
    }
    return out;
  }

  private unsigned(ref: R, reading: Reading): Verdict<R> {
    const device = encodePublicKey(reading.deviceId);
    return { ref, status: "unproven", kind: "reading", device, reading, reason: "no signed reading followed it" };
  }

  private addReading(frame: Frame, ref: R): Verdict<R>[] {
    const reading = decodeReading(frame.message);
    const key = toHex(reading.deviceId);
    let chain = this.chains.get(key);
    if (!chain) {
      // The first reading seen anchors the chain: whatever came before is not in this input.
      chain = { state: { lastSeq: reading.seq - 1 - reading.dropped, lastHash: reading.prev }, pending: [], seen: new Map() };
      this.chains.set(key, chain);
    }
    if (chain.seen.get(reading.seq) === digestOf(frame.message)) {
      const duplicate: Verdict<R> = { ref, status: "duplicate", kind: "reading", device: encodePublicKey(reading.deviceId), reading, reason: "re-sent: same bytes as before" };
      const at = chain.pending.findIndex((p) => p.reading.seq === reading.seq);
      if (at < 0 || frame.signature.length === 0 || chain.pending[at].item.signature.length > 0) return [duplicate];
      // The same reading again, now signed (issue 11, F1): its signature may prove the chain,
      // so it takes the unsigned copy's place; stripped copies seen first cannot hold it back.
      chain.pending[at] = { ...chain.pending[at], item: { reading: frame.message, signature: frame.signature } };
      duplicate.reason = "re-sent with its signature: verified in place of the unsigned copy";
      const all = chain.pending;
      chain.pending = [];
      return this.settle(chain, all, [duplicate]);
    }
    const out: Verdict<R>[] = this.dropContradicted(chain, reading);
    const item: ChainItem = { reading: frame.message, signature: frame.signature };
    return this.settle(chain, chain.pending.concat([{ item, ref, reading }]), out);
  }

  /** Verifies `all` (the pending readings and the newcomer) from the chain's state; verdicts go to `out`. */
  private settle(chain: DeviceChain<R>, all: DeviceChain<R>["pending"], out: Verdict<R>[]): Verdict<R>[] {
    const reading = all[all.length - 1].reading;
    const result = verifyChain(all.map((p) => p.item), chain.state, reading.deviceId, this.verifier, nodeSha256);
    chain.state = result.state;
    const device = encodePublicKey(reading.deviceId);
    const stillPending: DeviceChain<R>["pending"] = [];
    for (let i = 0; i < all.length; i++) {
      const v = result.verdicts[i];
      const p = all[i];
      if (v.status !== REJECTED) this.remember(chain, p.reading.seq, digestOf(p.item.reading));
      if (v.status === PENDING) stillPending.push(p);
      else if (v.status === AUTHENTICATED) out.push({ ref: p.ref, status: "valid", kind: "reading", device, reading: p.reading, by: v.by });
      else out.push({ ref: p.ref, status: "invalid", kind: "reading", device, reading: p.reading, reason: v.reason });
    }
    while (stillPending.length > MAX_PENDING) {
      const old = stillPending.shift()!;
      out.push(this.unsigned(old.ref, old.reading));
    }
    chain.pending = stillPending;
    return out;
  }

  /**
   * Unsigned pending readings are candidates only: when `reading` contradicts them but links
   * into the chain before them (host/verify/pending-chain.ts), they are dropped as unproven
   * and the newcomer takes their place; the signature that follows decides.
   */
  private dropContradicted(chain: DeviceChain<R>, reading: Reading): Verdict<R>[] {
    if (chain.pending.length === 0) return [];
    const links = chain.pending.map((p) => ({ reading: p.reading, hash: readingHash(p.item.reading, nodeSha256) }));
    const keep = relinkPoint(links, chain.state, reading);
    if (keep < 0 || keep >= chain.pending.length) return [];
    const dropped = chain.pending.slice(keep);
    chain.pending = chain.pending.slice(0, keep);
    return dropped.map((p) => {
      chain.seen.delete(p.reading.seq);
      const v = this.unsigned(p.ref, p.reading);
      v.reason = `contradicted: seq ${reading.seq} links to the chain before it (corrupted or forged line)`;
      return v;
    });
  }

  private remember(chain: DeviceChain<R>, seq: number, digest: string): void {
    chain.seen.set(seq, digest);
    if (chain.seen.size > MAX_SEEN) chain.seen.delete(chain.seen.keys().next().value as number);
  }

  private checkAck(bytes: Uint8Array, ref: R): Verdict<R> {
    const ack = decodeAck(bytes);
    const device = encodePublicKey(ack.deviceId);
    if (!this.hmacKey) return { ref, status: "unproven", kind: "ack", device, ack, reason: "MAC not checked (pass --hmac-key)" };
    const v = verifyAck(bytes, this.hmacKey, ack.deviceId, 0xffffffff);
    return { ref, status: v.ok ? "valid" : "invalid", kind: "ack", device, ack, reason: v.reason || undefined };
  }

  private checkToken(bytes: Uint8Array, ref: R): Verdict<R> {
    const token = decodeToken(bytes);
    const device = encodePublicKey(token.deviceId);
    if (!this.hmacKey) return { ref, status: "unproven", kind: "token", device, token, reason: "MAC not checked (pass --hmac-key)" };
    const v = verifyToken(bytes, this.hmacKey, token.deviceId, 0);
    return { ref, status: v.ok ? "valid" : "invalid", kind: "token", device, token, reason: v.reason || undefined };
  }
}
