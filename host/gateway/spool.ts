/**
 * The upstream spool: messages waiting for their PUBACK, in the SQLite file, in order.
 * A row is deleted only once the upstream broker has acknowledged it (PROTOCOL.md 6.1: a
 * reading is delivered upstream only once its PUBACK has arrived), so a gateway restart or
 * a broker restart loses nothing: whatever is still here is sent again, oldest first.
 *
 * Bounded: past `maxBytes` of payload the gateway stops accepting readings (they stay in
 * the devices' outboxes, unacked, and come again later), and past `alarmRatio` of it an
 * alarm is raised, so a long outage fills the devices' flash last, not the Pi's disk.
 */
import type Database from "better-sqlite3";
import type { Db } from "./store-sqlite";

export interface SpoolItem {
  id: number;
  topic: string;
  payload: string;
  /** When the frame came in (ms), for frame-in → PUBACK latency. */
  receivedAt: number;
}

export type SpoolLevel = "ok" | "alarm" | "full";

/** Most committed rows kept in memory for next() (a few seconds of readings at the bench's rates). */
const TAIL_MAX = 4096;

export class Spool {
  private bytesNow: number;
  private depthNow: number;
  private readonly ins: Database.Statement;
  private readonly del: Database.Statement;
  private readonly after: Database.Statement;
  /**
   * Rows the pipeline committed lately, oldest first: next() hands them out without reading
   * back what was just written (the SELECT and its row objects were about 5 % of the event
   * loop's time relaying a backlog, bench/gateway.ts). Only a run of consecutive ids right
   * after the caller's cursor is served from here; anything else (a row pushed outside the
   * pipeline, a restart, a reconnect's cursor of 0) is read from the table as before.
   */
  private tail: SpoolItem[] = [];
  /** The newest id push() gave (only this process writes the spool: db-lock.ts). */
  private lastPushed = 0;

  constructor(
    private readonly db: Db,
    readonly maxBytes: number,
    readonly alarmRatio: number,
  ) {
    const row = db.prepare("SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(topic AS BLOB)) + LENGTH(CAST(payload AS BLOB))), 0) AS b FROM spool").get() as { n: number; b: number };
    this.depthNow = row.n;
    this.bytesNow = row.b;
    this.ins = db.prepare("INSERT INTO spool (topic, payload, received_at) VALUES (?, ?, ?)");
    this.del = db.prepare("DELETE FROM spool WHERE id = ?");
    this.after = db.prepare("SELECT id, topic, payload, received_at AS receivedAt FROM spool WHERE id > ? ORDER BY id LIMIT ?");
  }

  /** Messages waiting. */
  get depth(): number {
    return this.depthNow;
  }

  /** Bytes of topic and payload waiting (what the limit counts). */
  get bytes(): number {
    return this.bytesNow;
  }

  /** Bytes in the spool when it last refused a message (full until it drains below that). */
  private refusedAt: number | undefined;

  /** The pipeline refused a message for lack of room. */
  noteRefused(): void {
    this.refusedAt = this.bytesNow;
  }

  get level(): SpoolLevel {
    if (this.refusedAt !== undefined && this.bytesNow < this.refusedAt) this.refusedAt = undefined;
    if (this.bytesNow >= this.maxBytes || this.refusedAt !== undefined) return "full";
    if (this.bytesNow >= this.maxBytes * this.alarmRatio) return "alarm";
    return "ok";
  }

  /** True when `extra` more bytes still fit. */
  fits(extra: number): boolean {
    return this.bytesNow + extra <= this.maxBytes;
  }

  /** Queues a message (call inside the pipeline's transaction); returns its id. */
  push(topic: string, payload: string, receivedAt: number): number {
    const id = Number(this.ins.run(topic, payload, receivedAt).lastInsertRowid);
    this.lastPushed = Math.max(this.lastPushed, id);
    this.depthNow++;
    this.bytesNow += Buffer.byteLength(topic) + Buffer.byteLength(payload);
    return id;
  }

  /** The counters, to put back when the transaction that pushed rolls back (a full disk: issue 11). */
  snapshot(): { depth: number; bytes: number } {
    return { depth: this.depthNow, bytes: this.bytesNow };
  }

  restore(s: { depth: number; bytes: number }): void {
    this.depthNow = s.depth;
    this.bytesNow = s.bytes;
  }

  /**
   * Rows pushed in a transaction that has committed (the pipeline calls this once its commit
   * is on disk), for next() to hand out from memory.
   */
  committed(items: SpoolItem[]): void {
    for (const item of items) this.tail.push(item);
    if (this.tail.length > TAIL_MAX) this.tail.splice(0, this.tail.length - TAIL_MAX);
  }

  /** Up to `limit` messages after id `afterId`, oldest first. */
  next(afterId: number, limit: number): SpoolItem[] {
    let sent = 0;
    while (sent < this.tail.length && this.tail[sent].id <= afterId) sent++;
    if (sent > 0) this.tail.splice(0, sent);
    // From memory only when the rows there are exactly the next ids: a gap may be a row that
    // only the table has (a notice the teller pushed between two batches).
    if (this.tail.length > 0 && this.tail[0].id === afterId + 1) {
      let n = 1;
      while (n < this.tail.length && n < limit && this.tail[n].id === this.tail[n - 1].id + 1) n++;
      const run = this.tail.slice(0, n);
      const last = run[n - 1].id;
      // Rows after the run that only the table has: read them (none when the run ends at the newest push).
      return n < limit && last < this.lastPushed ? run.concat(this.after.all(last, limit - n) as SpoolItem[]) : run;
    }
    return this.after.all(afterId, limit) as SpoolItem[];
  }

  /** Removes messages whose PUBACK arrived, in one transaction. */
  doneMany(items: SpoolItem[]): void {
    this.db.transaction(() => {
      for (const item of items) {
        if (this.del.run(item.id).changes > 0) {
          this.depthNow--;
          this.bytesNow -= Buffer.byteLength(item.topic) + Buffer.byteLength(item.payload);
        }
      }
    })();
  }
}
