/**
 * The device registry: which devices this gateway accepts, with the public key that proves
 * their readings and the HMAC key that authenticates acks and tokens sent to them
 * (PROTOCOL.md section 3). The HMAC key is stored, never returned by listings nor printed.
 */
import { SolkitError } from "../../shared/errors";
import { decodePublicKey } from "../../shared/crypto/strkey";
import type { ChainState } from "../../shared/protocol/chain";
import type { Repl } from "./config";
import type { Statement } from "better-sqlite3";
import type { Db } from "./store-sqlite";

/** How the chain of a device starts: at its very first reading, or at the first one seen. */
export type Anchor = "genesis" | "first";

/** A device as listed (no HMAC key). */
export interface DeviceInfo {
  id: string;
  board: string;
  repl: Repl;
  name: string;
  anchor: Anchor;
  addedAt: number;
  lastSeen: number | null;
  lastLink: string;
  lastSeq: number;
  verified: number;
  rejected: number;
  gaps: number;
  dropped: number;
  /** Readings received and not yet acked: the device's outbox holds at least these. */
  pending: number;
  /** The outbox depth the device reported in its newest authenticated reading. */
  outbox: number;
}

/** What the pipeline needs of a device. */
export interface DeviceRecord extends DeviceInfo {
  publicKey: Uint8Array;
  hmacKey: Uint8Array;
  state: ChainState;
}

export interface NewDevice {
  id: string;
  hmacKey: Uint8Array;
  board?: string;
  repl?: Repl;
  name?: string;
  anchor?: Anchor;
}

interface Row {
  id: string; public_key: Buffer; hmac_key: Buffer; board: string; repl: string; name: string; anchor: string;
  added_at: number; last_seen: number | null; last_link: string; last_seq: number; last_hash: Buffer;
  verified: number; rejected: number; gaps: number; dropped: number; pending: number; outbox: number;
}

function info(r: Row): DeviceInfo {
  return {
    id: r.id, board: r.board, repl: r.repl === "nodemcu" ? "nodemcu" : "espruino", name: r.name,
    anchor: r.anchor === "first" ? "first" : "genesis", addedAt: r.added_at, lastSeen: r.last_seen, lastLink: r.last_link,
    lastSeq: r.last_seq, verified: r.verified, rejected: r.rejected, gaps: r.gaps, dropped: r.dropped, pending: r.pending, outbox: r.outbox,
  };
}

/**
 * The records hot() keeps, per database connection: every Registry on one connection sees the
 * same ones, so an add or remove through any of them drops them all.
 */
const kept = new WeakMap<Db, { records: Map<string, DeviceRecord>; version: number }>();

export class Registry {
  private readonly byId: Statement;
  private readonly dataVersion: Statement;
  private readonly advanceStmt: Statement;
  private readonly rejectStmt: Statement;
  private readonly seenStmt: Statement;

  constructor(private readonly db: Db) {
    // Prepared once: the pipeline runs these for every frame.
    this.byId = db.prepare("SELECT * FROM devices WHERE id = ?");
    this.advanceStmt = db.prepare("UPDATE devices SET last_seq = ?, last_hash = ?, verified = verified + ?, dropped = dropped + ?, last_seen = ?, last_link = ?, pending = 0, outbox = ? WHERE id = ?");
    this.rejectStmt = db.prepare("UPDATE devices SET rejected = rejected + 1, gaps = gaps + ?, last_seen = ? WHERE id = ?");
    this.seenStmt = db.prepare("UPDATE devices SET last_seen = ?, pending = ?, last_link = ? WHERE id = ?");
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
    if (!kept.has(db)) kept.set(db, { records: new Map(), version: -1 });
  }

  /**
   * Adds a device, or replaces its keys and details when it exists (chain state is kept).
   * @throws SolkitError E_STRKEY/E_CHECKSUM… for a bad id, E_LENGTH for an HMAC key not 32 bytes
   */
  add(d: NewDevice): void {
    const publicKey = decodePublicKey(d.id);
    if (d.hmacKey.length !== 32) throw new SolkitError("E_LENGTH", `HMAC key expected 32 bytes, got ${d.hmacKey.length}`);
    this.db
      .prepare(
        `INSERT INTO devices (id, public_key, hmac_key, board, repl, name, anchor, added_at, last_hash)
         VALUES (@id, @pk, @hk, @board, @repl, @name, @anchor, @now, zeroblob(32))
         ON CONFLICT(id) DO UPDATE SET hmac_key = @hk, board = @board, repl = @repl, name = @name, anchor = @anchor`,
      )
      .run({
        id: d.id, pk: Buffer.from(publicKey), hk: Buffer.from(d.hmacKey), board: d.board ?? "", repl: d.repl ?? "espruino",
        name: d.name ?? "", anchor: d.anchor ?? "genesis", now: Date.now(),
      });
    this.dropKept();
  }

  /** Removes a device; true when it existed. */
  remove(id: string): boolean {
    const gone = this.db.prepare("DELETE FROM devices WHERE id = ?").run(id).changes > 0;
    this.dropKept();
    return gone;
  }

  get(id: string): DeviceRecord | undefined {
    const r = this.byId.get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      ...info(r),
      publicKey: new Uint8Array(r.public_key),
      hmacKey: new Uint8Array(r.hmac_key),
      state: { lastSeq: r.last_seq, lastHash: new Uint8Array(r.last_hash) },
    };
  }

  /**
   * The record the pipeline works with: read once, then kept, with its chain state moved by
   * advance(). A read per batch cost more than the query: each record's objects (a row of 18
   * columns, three byte arrays) outlived V8's young-generation collections, about 1.3 MB
   * copied and promoted per collection at 1,000 readings a second, 7–9 ms pauses every ~300 ms
   * that were the gateway's p99 latency (bench/gateway.ts; measured with --trace-gc-nvp).
   * Kept only while nothing else changed the devices: an add or remove on this connection drops
   * every kept record, and so does a commit by another connection (PRAGMA data_version:
   * `solkit host add-device` while the gateway runs), checked at each call; the pipeline drops
   * them after a rolled-back transaction (dropKept). Unknown ids are never kept (a stranger's
   * random ids must not grow the map). The counters in a kept record (verified, lastSeen…) are
   * those of its first read: get() reads fresh ones.
   */
  hot(id: string): DeviceRecord | undefined {
    const k = kept.get(this.db)!;
    const version = this.dataVersion.get() as number;
    if (version !== k.version) {
      k.records.clear();
      k.version = version;
    }
    let rec = k.records.get(id);
    if (rec === undefined) {
      rec = this.get(id);
      if (rec !== undefined) k.records.set(id, rec);
    }
    return rec;
  }

  /** Forgets every record hot() kept (a transaction that moved chain states rolled back). */
  dropKept(): void {
    kept.get(this.db)!.records.clear();
  }

  list(): DeviceInfo[] {
    return (this.db.prepare("SELECT * FROM devices ORDER BY added_at, id").all() as Row[]).map(info);
  }

  /** Moves the chain state and counters after an authenticated batch (inside the caller's transaction). */
  advance(id: string, state: ChainState, verified: number, dropped: number, link: string, now: number, outbox: number): void {
    this.advanceStmt.run(state.lastSeq, Buffer.from(state.lastHash), verified, dropped, now, link, outbox, id);
    const records = kept.get(this.db)!.records;
    const rec = records.get(id);
    if (rec !== undefined) records.set(id, { ...rec, state: { lastSeq: state.lastSeq, lastHash: new Uint8Array(state.lastHash) } });
  }

  /** Counts a rejection (and a gap when the reason is E_GAP). */
  countRejected(id: string, reason: string, now: number): void {
    this.rejectStmt.run(reason === "E_GAP" ? 1 : 0, now, id);
  }

  /** Records that a device was heard from and how many readings it has waiting for an ack. */
  seen(id: string, pending: number, link: string, now: number): void {
    this.seenStmt.run(now, pending, link, id);
  }
}
