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

export class Registry {
  private readonly byId: Statement;
  private readonly advanceStmt: Statement;
  private readonly rejectStmt: Statement;
  private readonly seenStmt: Statement;

  constructor(private readonly db: Db) {
    // Prepared once: the pipeline runs these for every frame.
    this.byId = db.prepare("SELECT * FROM devices WHERE id = ?");
    this.advanceStmt = db.prepare("UPDATE devices SET last_seq = ?, last_hash = ?, verified = verified + ?, dropped = dropped + ?, last_seen = ?, last_link = ?, pending = 0, outbox = ? WHERE id = ?");
    this.rejectStmt = db.prepare("UPDATE devices SET rejected = rejected + 1, gaps = gaps + ?, last_seen = ? WHERE id = ?");
    this.seenStmt = db.prepare("UPDATE devices SET last_seen = ?, pending = ?, last_link = ? WHERE id = ?");
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
  }

  /** Removes a device; true when it existed. */
  remove(id: string): boolean {
    return this.db.prepare("DELETE FROM devices WHERE id = ?").run(id).changes > 0;
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

  list(): DeviceInfo[] {
    return (this.db.prepare("SELECT * FROM devices ORDER BY added_at, id").all() as Row[]).map(info);
  }

  /** Moves the chain state and counters after an authenticated batch (inside the caller's transaction). */
  advance(id: string, state: ChainState, verified: number, dropped: number, link: string, now: number, outbox: number): void {
    this.advanceStmt.run(state.lastSeq, Buffer.from(state.lastHash), verified, dropped, now, link, outbox, id);
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
