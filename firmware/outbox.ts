/**
 * The outbox: readings in flash until the host acks them (PROTOCOL.md 2.2 and 3), in
 * pre-created segment files filled in place, so that storing a reading allocates nothing
 * and an ack programs one byte.
 *
 * Files `sk.ob<i>` (i < segments), each `slots` slots of SLOT bytes:
 *   0..119   reading bytes              120..121 CRC-16/XMODEM of them   122 commit 0x00
 *   123      ack mark (0xff → 0x00)     124..187 signature               188 signature commit 0x00
 * A slot is written in three steps, each over erased bytes: the reading (with CRC and commit,
 * one write), later perhaps its signature (with its commit), later perhaps the ack mark.
 * A cut keeps a prefix of a write, so a commit byte proves what precedes it; a slot cut
 * half-way is skipped for good (it is not erased, so it is never written again).
 *
 * Readings enter in sequence order and segments fill one after another, so "acked" is a
 * prefix in sequence order: an ack marks, in each segment it touches (oldest first), only the
 * newest slot it covers, and after a reboot every reading at or below the highest mark is acked.
 * The chain tip (seq and hash of the newest stored reading, PROTOCOL.md 2.1) is read back from
 * the outbox itself; the segment that holds it is never recycled, so it is never lost.
 * When every other segment still holds unacked readings, the outbox is full and the caller
 * drops the new reading (PROTOCOL.md 2.2, tail drop).
 *
 * Portable code: see docs/portability.md.
 */
import { readU32, slice } from "../shared/bytes";
import { crc16Xmodem } from "../shared/crypto/crc16";
import type { HashFn } from "../shared/crypto/types";
import type { Store } from "./hal";
import { isErased } from "./persist";
import { READING_LENGTH, READING_SEQ_AT } from "../shared/protocol/reading";

export const SLOT = 192;
const CRC_AT = READING_LENGTH;
const COMMIT_AT = 122;
const ACK_AT = 123;
const SIG_AT = 124;
const SIG_COMMIT_AT = 188;

/** A stored reading as the drain sends it. */
export interface StoredReading {
  seq: number;
  bytes: Uint8Array;
  /** 64 bytes, or empty when the reading is not signed (in flash). */
  signature: Uint8Array;
}

/** Result of Outbox.append: "ok", "full" (tail drop) or "error" (the store failed). */
export type AppendResult = "ok" | "full" | "error";

function validAt(data: Uint8Array, at: number): boolean {
  if (at + SLOT > data.length || data[at + COMMIT_AT] !== 0) return false;
  const crc = crc16Xmodem(slice(data, at, at + READING_LENGTH));
  return data[at + CRC_AT] === (crc >>> 8) && data[at + CRC_AT + 1] === (crc & 0xff);
}

export class Outbox {
  /** Per segment: first and last valid seq (-1 = none), slots used (-1 = no file), valid readings. */
  private readonly first: Float64Array;
  private readonly last: Float64Array;
  private readonly used: Int32Array;
  private readonly count: Int32Array;
  /**
   * Per segment: used slots that failed their check (a write cut by power loss). Where none
   * did, a committed slot is known good and reads skip its CRC: re-checking every slot up to
   * the one wanted cost 16 CRCs per line sent or ack taken, 260–460 ms of event loop on the
   * real interpreter (issue 9).
   */
  private readonly torn: Int32Array;
  private cur = -1;
  /** Newest stored reading (-1 / 32 zero bytes before the first one). */
  tipSeq = -1;
  tipHash: Uint8Array = new Uint8Array(32);
  /** Highest acked sequence number known (-1 = none). */
  ackedSeq = -1;
  /** Highest sequence number whose signature is in flash (-1 = none). */
  signedSeq = -1;
  /** Readings stored and not acked. */
  depth = 0;
  /** Flash operations since boot, for the budget: slot writes, file creations. */
  writes = 0;
  creates = 0;

  constructor(
    private readonly store: Store,
    readonly segments: number,
    readonly slots: number,
    private readonly hash: HashFn,
  ) {
    this.first = new Float64Array(segments);
    this.last = new Float64Array(segments);
    this.used = new Int32Array(segments);
    this.count = new Int32Array(segments);
    this.torn = new Int32Array(segments);
  }

  /** Slot `at` of segment `seg` holds a reading: committed, and its CRC checked unless the segment is known clean. */
  private good(seg: number, data: Uint8Array, at: number): boolean {
    if (this.torn[seg] === 0) return at + SLOT <= data.length && data[at + COMMIT_AT] === 0;
    return validAt(data, at);
  }

  private file(i: number): string {
    return "sk.ob" + i;
  }

  /** Scans every segment: tip, acked prefix, depth. Call once at boot; `onSegment` runs before each (the watchdog kick). */
  load(onSegment?: () => void): void {
    let tipBytes: Uint8Array | undefined = undefined;
    this.cur = -1;
    this.tipSeq = -1;
    this.tipHash = new Uint8Array(32);
    this.ackedSeq = -1;
    this.signedSeq = -1;
    for (let i = 0; i < this.segments; i++) {
      this.first[i] = -1;
      this.last[i] = -1;
      this.count[i] = 0;
      this.torn[i] = 0;
      if (onSegment !== undefined) onSegment();
      const data = this.store.read(this.file(i));
      this.used[i] = data === undefined ? -1 : 0;
      if (data === undefined) continue;
      for (let s = 0; s < this.slots; s++) {
        const at = s * SLOT;
        if (at + SLOT > data.length) break;
        const erased = isErased(data, at, SLOT);
        if (!erased) this.used[i] = s + 1;
        if (!validAt(data, at)) {
          if (!erased) this.torn[i]++;
          continue;
        }
        const seq = readU32(data, at + READING_SEQ_AT);
        if (this.first[i] < 0) this.first[i] = seq;
        this.last[i] = seq;
        this.count[i]++;
        if (data[at + ACK_AT] === 0 && seq > this.ackedSeq) this.ackedSeq = seq;
        if (data[at + SIG_COMMIT_AT] === 0 && seq > this.signedSeq) this.signedSeq = seq;
        if (seq > this.tipSeq) {
          this.tipSeq = seq;
          this.cur = i;
          tipBytes = slice(data, at, at + READING_LENGTH);
        }
      }
    }
    this.depth = 0;
    for (let i = 0; i < this.segments; i++) {
      if (this.count[i] === 0 || this.last[i] <= this.ackedSeq) continue;
      if (this.first[i] > this.ackedSeq) {
        this.depth += this.count[i];
        continue;
      }
      // The segment the acked prefix ends in: count its slots one by one.
      let r = this.nextAfter(this.ackedSeq);
      while (r !== undefined && r.seq <= this.last[i]) {
        this.depth++;
        r = this.nextAfter(r.seq);
      }
    }
    if (tipBytes !== undefined) this.tipHash = this.hash(tipBytes);
  }

  /** A segment to (re)start: never created first, then the fully acked one with the oldest readings. */
  private recyclable(): number {
    let best = -1;
    for (let i = 0; i < this.segments; i++) {
      if (i === this.cur) continue;
      if (this.used[i] < 0) return i;
      if (this.count[i] > 0 && this.last[i] > this.ackedSeq) continue;
      if (best < 0 || this.first[i] < this.first[best]) best = i;
    }
    return best;
  }

  /**
   * Stores reading `bytes` (its seq must exceed tipSeq, its prev must be tipHash).
   * Returns "full" when no segment can take it (the caller drops it, PROTOCOL.md 2.2).
   */
  append(bytes: Uint8Array, seq: number): AppendResult {
    const rec = new Uint8Array(ACK_AT);
    for (let i = 0; i < READING_LENGTH; i++) rec[i] = bytes[i];
    const crc = crc16Xmodem(bytes);
    rec[CRC_AT] = crc >>> 8;
    rec[CRC_AT + 1] = crc & 0xff;
    rec[COMMIT_AT] = 0;
    let seg = this.cur;
    if (seg < 0 || this.used[seg] >= this.slots) {
      seg = this.recyclable();
      if (seg < 0) return "full";
      this.store.erase(this.file(seg));
      this.creates++;
      this.used[seg] = -1;
      this.count[seg] = 0;
      this.first[seg] = -1;
      this.last[seg] = -1;
      this.torn[seg] = 0;
      if (!this.store.create(this.file(seg), this.slots * SLOT)) return "full";
      this.used[seg] = 0;
    }
    this.writes++;
    const at = this.used[seg] * SLOT;
    this.used[seg]++;
    if (!this.store.writeAt(this.file(seg), at, rec)) {
      this.torn[seg]++; // whatever reached the flash is checked from now on
      return "error";
    }
    this.cur = seg;
    if (this.first[seg] < 0) this.first[seg] = seq;
    this.last[seg] = seq;
    this.count[seg]++;
    this.tipSeq = seq;
    this.tipHash = this.hash(bytes);
    this.depth++;
    return "ok";
  }

  /** The segment holding `seq`, its file contents and the slot offset; undefined when absent. */
  private locate(seq: number): { seg: number; data: Uint8Array; at: number } | undefined {
    for (let i = 0; i < this.segments; i++) {
      if (this.count[i] === 0 || seq < this.first[i] || seq > this.last[i]) continue;
      const data = this.store.read(this.file(i));
      if (data === undefined) return undefined;
      for (let s = 0; s < this.used[i]; s++) {
        if (readU32(data, s * SLOT + READING_SEQ_AT) === seq && this.good(i, data, s * SLOT)) return { seg: i, data: data, at: s * SLOT };
      }
    }
    return undefined;
  }

  /** Stores the signature of reading `seq`; false when it is gone or its signature area is not erased. */
  setSignature(seq: number, sig: Uint8Array): boolean {
    const loc = this.locate(seq);
    if (loc === undefined || !isErased(loc.data, loc.at + SIG_AT, 65)) return false;
    const rec = new Uint8Array(65);
    for (let i = 0; i < 64; i++) rec[i] = sig[i];
    rec[64] = 0;
    this.writes++;
    if (!this.store.writeAt(this.file(loc.seg), loc.at + SIG_AT, rec)) return false;
    if (seq > this.signedSeq) this.signedSeq = seq;
    return true;
  }

  /** The stored reading with the smallest seq above `after` (acked or not), or undefined. */
  nextAfter(after: number): StoredReading | undefined {
    let seg = -1;
    for (let i = 0; i < this.segments; i++) {
      if (this.count[i] === 0 || this.last[i] <= after) continue;
      if (seg < 0 || this.first[i] < this.first[seg]) seg = i;
    }
    if (seg < 0) return undefined;
    const data = this.store.read(this.file(seg));
    if (data === undefined) return undefined;
    for (let s = 0; s < this.used[seg]; s++) {
      const at = s * SLOT;
      const seq = readU32(data, at + READING_SEQ_AT);
      if (seq <= after || !this.good(seg, data, at)) continue;
      const signed = data[at + SIG_COMMIT_AT] === 0;
      return { seq: seq, bytes: slice(data, at, at + READING_LENGTH), signature: signed ? slice(data, at + SIG_AT, at + SIG_AT + 64) : new Uint8Array(0) };
    }
    return undefined;
  }

  /**
   * Marks every stored reading with seq ≤ `seq` acked: in each segment it touches, oldest
   * segment first, the newest covered slot gets its mark. Returns how many readings left the
   * outbox (0 for an ack that covers nothing new).
   */
  ack(seq: number): number {
    if (seq <= this.ackedSeq) return 0;
    let removed = 0;
    let lower = this.ackedSeq;
    for (;;) {
      // The oldest segment with readings in (lower, seq].
      let seg = -1;
      for (let i = 0; i < this.segments; i++) {
        if (this.count[i] === 0 || this.last[i] <= lower || this.first[i] > seq) continue;
        if (seg < 0 || this.first[i] < this.first[seg]) seg = i;
      }
      if (seg < 0) break;
      const data = this.store.read(this.file(seg));
      if (data === undefined) break;
      let mark = -1;
      for (let s = 0; s < this.used[seg]; s++) {
        const at = s * SLOT;
        const q = readU32(data, at + READING_SEQ_AT);
        if (q > this.ackedSeq && q <= seq && this.good(seg, data, at)) {
          removed++;
          mark = at;
        }
      }
      if (mark >= 0 && data[mark + ACK_AT] === 0xff) {
        this.writes++;
        const zero = new Uint8Array(1);
        this.store.writeAt(this.file(seg), mark + ACK_AT, zero);
      }
      lower = this.last[seg];
    }
    this.ackedSeq = seq;
    this.depth -= removed;
    if (this.depth < 0) this.depth = 0;
    return removed;
  }

  /** Erases every segment (a forced re-provisioning starts a new device's chain). */
  clear(): void {
    for (let i = 0; i < this.segments; i++) this.store.erase(this.file(i));
    this.load();
  }
}
