/**
 * Group commit with the disk wait off the event loop (issue 15: frame-in → PUBACK latency).
 *
 * With synchronous=FULL every pipeline commit waited on the event loop for SQLite's fsync of
 * the WAL: at 1,000 readings a second that was about half of each commit's 0.6 ms and the
 * loop's largest single cost (bench/gateway.ts, cpu profile). Here the pipeline's transaction
 * runs with synchronous=NORMAL, so SQLite writes its WAL frames without syncing, and the WAL
 * is then synced by `fdatasync` on libuv's thread pool; what the commit allows (the acks, the
 * upstream publish, the notices) runs only once that sync is done. A commit is durable when
 * its WAL frames are on disk (https://www.sqlite.org/wal.html); NORMAL still syncs the WAL
 * before each checkpoint and its header when it is reused, so the sync here is the only one
 * the transaction skipped. One sync covers every commit written before it started: commits
 * that come while one runs wait for the next, in order.
 *
 * Only the pipeline's transactions take this path; every other write on the connection (the
 * registry, the teller) keeps synchronous=FULL. An in-memory database, or a WAL file that
 * cannot be opened, commits with FULL and calls back at once, as before.
 */
import { closeSync, fdatasync, openSync } from "node:fs";
import type { Statement } from "better-sqlite3";
import type { Db } from "./store-sqlite";

export class WalSync {
  /**
   * The open WAL file and the two pragmas, prepared once (db.pragma() prepares a statement per
   * call: a native object per commit for the GC); undefined: SQLite syncs inside each commit.
   */
  private readonly wal: { fd: number; normal: Statement; full: Statement } | undefined;
  /** Callbacks of commits written since the running sync started. */
  private waiting: ((err?: Error) => void)[] = [];
  private syncing = false;
  private closed = false;

  /** @param walFile the database's `-wal` file; undefined: sync inside each commit (FULL) */
  constructor(db: Db, walFile: string | undefined) {
    if (walFile === undefined) return;
    let fd: number;
    try {
      fd = openSync(walFile, "r");
    } catch {
      return; // not in WAL mode after all: FULL does it
    }
    this.wal = { fd, normal: db.prepare("PRAGMA synchronous = NORMAL"), full: db.prepare("PRAGMA synchronous = FULL") };
  }

  /** Whether commits return before the disk has them (then `durable` calls back later). */
  get deferred(): boolean {
    return this.wal !== undefined;
  }

  /**
   * Runs `write` (a transaction; it throws when the commit failed) and calls `durable` once
   * what it committed is on disk, with the error when the sync failed (then nothing it
   * committed may be acknowledged: the devices send it again and are acked as duplicates).
   */
  commit(write: () => void, durable: (err?: Error) => void): void {
    if (this.wal === undefined) {
      write();
      durable();
      return;
    }
    this.wal.normal.run();
    try {
      write();
    } finally {
      this.wal.full.run();
    }
    this.waiting.push(durable);
    if (!this.syncing) this.sync();
  }

  /** Resolves when every commit so far is on disk and its callback has run (a gateway stopping). */
  async idle(): Promise<void> {
    while (this.syncing || this.waiting.length > 0) {
      if (!this.syncing) this.sync();
      await new Promise<void>((resolve) => this.waiting.push(() => resolve()));
    }
  }

  /** Stops syncing: the database is closing (SQLite's close checkpoints and syncs). */
  close(): void {
    this.closed = true;
    if (this.wal !== undefined && !this.syncing) closeSync(this.wal.fd);
  }

  /** fdatasync on the thread pool (a method so that tests can hold or fail it). */
  protected syncFile(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void {
    fdatasync(fd, done);
  }

  private sync(): void {
    if (this.wal === undefined) return;
    const fd = this.wal.fd;
    const batch = this.waiting;
    this.waiting = [];
    this.syncing = true;
    this.syncFile(fd, (err) => {
      this.syncing = false;
      if (this.closed) closeSync(fd);
      else if (this.waiting.length > 0) this.sync(); // the next group's sync starts first…
      for (const done of batch) done(err ?? undefined); // …while this group's effects run
    });
  }
}
