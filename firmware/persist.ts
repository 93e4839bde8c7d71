/**
 * A record that survives a power cut at any byte: a journal of fixed-size records appended
 * in place to two pre-created files, the newest complete record wins.
 *
 * Why this shape (hal.ts Store: flash programs 1 → 0 only, a cut keeps a prefix of a write):
 * - Each save programs one record over erased bytes with `writeAt`; no file is rewritten, so a
 *   save allocates no flash. Only when a file is full does the journal erase and re-create
 *   the *other* file (the one holding only older records) and continue there: one file
 *   allocation per `slots` saves.
 * - Record = gen u32 ‖ payload ‖ CRC-16/XMODEM(gen ‖ payload) u16 ‖ commit byte 0x00. The
 *   commit byte is written last in the same write; since a cut keeps a prefix, a record
 *   with its commit byte is complete, and the CRC catches anything else (a bit error).
 *   A cut record is skipped, and the previous record (in either file) is still there.
 * - `gen` grows by one per save, so after any cut `load` returns the last completed save or
 *   the one before it: a counter that only grows across saves never reads back smaller.
 *
 * Portable code: see docs/portability.md.
 */
import { readU32, writeU32 } from "../shared/bytes";
import { crc16Xmodem } from "../shared/crypto/crc16";
import type { Store } from "./hal";

/** Bytes of a journal record around a payload of `n` bytes. */
export function recordSize(n: number): number {
  return 4 + n + 2 + 1;
}

/** True when `n` bytes of `b` from `at` are all erased (0xff). */
export function isErased(b: Uint8Array, at: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[at + i] !== 0xff) return false;
  return true;
}

/** A robust, wear-spreading record in two files `<name>0` and `<name>1`. */
export class Journal {
  private readonly size: number;
  /** Generation of the newest complete record; 0 = none. */
  private gen = 0;
  /** File (0/1) that receives the next record, and the slot there. */
  private file = 1;
  private next: number;
  /** Saves and file creations since boot (for the flash budget). */
  saves = 0;
  creates = 0;

  constructor(
    private readonly store: Store,
    private readonly name: string,
    private readonly payloadLength: number,
    private readonly slots: number,
  ) {
    this.size = recordSize(payloadLength);
    this.next = slots; // no file yet: the first save creates file 0
  }

  /**
   * Scans both files; returns the payload of the newest complete record, or undefined.
   * Also positions the next save after the last used slot of that file. Once per journal: a
   * second load finds nothing newer than what it knows and returns undefined.
   */
  load(): Uint8Array | undefined {
    let best: Uint8Array | undefined = undefined;
    for (let f = 0; f < 2; f++) {
      const data = this.store.read(this.name + f);
      if (data === undefined) continue;
      let used = 0;
      let fileBest = 0;
      let fileBestPayload: Uint8Array | undefined = undefined;
      for (let i = 0; i < this.slots; i++) {
        const at = i * this.size;
        if (at + this.size > data.length) break;
        if (!isErased(data, at, this.size)) used = i + 1;
        const payload = this.decode(data, at);
        if (payload !== undefined && readU32(data, at) > fileBest) {
          fileBest = readU32(data, at);
          fileBestPayload = payload;
        }
      }
      if (fileBestPayload !== undefined && fileBest > this.gen) {
        this.gen = fileBest;
        this.file = f;
        this.next = used;
        best = fileBestPayload;
      }
    }
    return best;
  }

  /** The payload at `at` when the record there is complete and intact. */
  private decode(data: Uint8Array, at: number): Uint8Array | undefined {
    const n = 4 + this.payloadLength;
    if (data[at + n + 2] !== 0) return undefined; // no commit byte: cut or never written
    const body = new Uint8Array(n);
    for (let i = 0; i < n; i++) body[i] = data[at + i];
    const crc = crc16Xmodem(body);
    if (data[at + n] !== (crc >>> 8) || data[at + n + 1] !== (crc & 0xff)) return undefined;
    if (readU32(body, 0) === 0) return undefined;
    const payload = new Uint8Array(this.payloadLength);
    for (let i = 0; i < this.payloadLength; i++) payload[i] = body[4 + i];
    return payload;
  }

  /**
   * Appends `payload` as the newest record. Returns false when the store cannot take it
   * (full, or a file cannot be created); the previous record stays the newest then.
   */
  save(payload: Uint8Array): boolean {
    const n = 4 + this.payloadLength;
    const rec = new Uint8Array(this.size);
    writeU32(rec, 0, this.gen + 1);
    for (let i = 0; i < this.payloadLength; i++) rec[4 + i] = payload[i];
    const body = new Uint8Array(n);
    for (let i = 0; i < n; i++) body[i] = rec[i];
    const crc = crc16Xmodem(body);
    rec[n] = crc >>> 8;
    rec[n + 1] = crc & 0xff;
    rec[n + 2] = 0; // commit, written last
    let ok = false;
    if (this.next < this.slots) ok = this.store.writeAt(this.name + this.file, this.next * this.size, rec);
    if (!ok) {
      // Full (or the slot is not writable): move to the other file, which holds only older records.
      const other = 1 - this.file;
      this.store.erase(this.name + other);
      this.creates++;
      if (!this.store.create(this.name + other, this.slots * this.size)) return false;
      if (!this.store.writeAt(this.name + other, 0, rec)) return false;
      this.file = other;
      this.next = 0;
    }
    this.next++;
    this.gen++;
    this.saves++;
    return true;
  }

  /** Erases both files (a forced re-provisioning). */
  clear(): void {
    this.store.erase(this.name + "0");
    this.store.erase(this.name + "1");
    this.gen = 0;
    this.file = 1;
    this.next = this.slots;
  }
}
