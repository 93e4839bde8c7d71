/**
 * The gateway's durable state in one SQLite file: the device registry, every authenticated
 * reading, and the upstream spool. One file means one transaction covers "reading stored +
 * chain state moved + queued for upstream", so a crash between them cannot ack a reading that
 * is not queued, nor queue one that is not stored.
 *
 * WAL with synchronous=FULL: a commit is on disk before the ack that lets the device delete
 * the reading (https://www.sqlite.org/pragma.html#pragma_synchronous; in WAL mode NORMAL may
 * lose the last commits on power loss, which a Pi beside a panel does see).
 */
import Database from "better-sqlite3";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { SolkitError } from "../../shared/errors";

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  public_key BLOB NOT NULL,
  hmac_key BLOB NOT NULL,
  board TEXT NOT NULL DEFAULT '',
  repl TEXT NOT NULL DEFAULT 'espruino',
  name TEXT NOT NULL DEFAULT '',
  anchor TEXT NOT NULL DEFAULT 'genesis',
  added_at INTEGER NOT NULL,
  last_seen INTEGER,
  last_link TEXT NOT NULL DEFAULT '',
  last_seq INTEGER NOT NULL DEFAULT -1,
  last_hash BLOB NOT NULL,
  verified INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  gaps INTEGER NOT NULL DEFAULT 0,
  dropped INTEGER NOT NULL DEFAULT 0,
  pending INTEGER NOT NULL DEFAULT 0,
  outbox INTEGER NOT NULL DEFAULT 0,
  token_counter INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS readings (
  device TEXT NOT NULL,
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  sig BLOB NOT NULL,
  hash BLOB NOT NULL,
  by_seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS spool (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
`;

/**
 * Opens (creating folders and tables as needed) the gateway database.
 * @throws SolkitError E_DB (not a database, or damaged), E_DISK_FULL, E_DB_OPEN (permissions,
 *   a missing or read-only folder): one line naming the file and the next step (issue 11)
 */
export function openStore(file: string): Db {
  let db: Db | undefined;
  try {
    if (file !== ":memory:") keepPrivate(file);
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.exec(SCHEMA);
    addMissingColumns(db);
    return db;
  } catch (e) {
    db?.close();
    throw storeError(file, e as Error & { code?: string });
  }
}

/** What opening the database failed on, as one line with the next step. */
export function storeError(file: string, e: Error & { code?: string }): Error {
  const code = e.code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new SolkitError("E_DB", `${file} is not a solkit database or is damaged (${e.message}); restore it from a backup, or move it away to start with an empty registry`);
  }
  if (code === "SQLITE_FULL" || code === "ENOSPC") {
    return new SolkitError("E_DISK_FULL", `the disk of ${file} is full; free some space on it, then start again`);
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY") || code === "EACCES" || code === "EROFS" || code === "ENOTDIR" || code.startsWith("SQLITE_IOERR")) {
    return new SolkitError("E_DB_OPEN", `cannot open ${file} for writing (${e.message}); check that its folder exists and is writable by this user`);
  }
  return e;
}

/**
 * The database holds every device's HMAC key: the file is 0600 and a folder made for it 0700,
 * whatever the umask (issue 11). SQLite gives its -wal and -shm files the database's mode. A
 * folder that already existed keeps its mode: it may be shared on purpose.
 */
function keepPrivate(file: string): void {
  const made = mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (made !== undefined) chmodSync(dirname(file), 0o700);
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

/** Columns added after the first release, for databases made before them. */
function addMissingColumns(db: Db): void {
  const have = new Set((db.prepare("PRAGMA table_info(devices)").all() as { name: string }[]).map((c) => c.name));
  if (!have.has("outbox")) db.exec("ALTER TABLE devices ADD COLUMN outbox INTEGER NOT NULL DEFAULT 0");
  if (!have.has("token_counter")) db.exec("ALTER TABLE devices ADD COLUMN token_counter INTEGER NOT NULL DEFAULT 0");
}

/** A reading as stored: bytes, its own signature (empty when a later one covers it). */
export interface StoredReading {
  device: string;
  seq: number;
  bytes: Uint8Array;
  sig: Uint8Array;
  hash: Uint8Array;
  bySeq: number;
  receivedAt: number;
}

/** Reading-table access. */
export class ReadingStore {
  private readonly insert: Database.Statement;
  private readonly getOne: Database.Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare("INSERT OR IGNORE INTO readings (device, seq, bytes, sig, hash, by_seq, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    this.getOne = db.prepare("SELECT hash FROM readings WHERE device = ? AND seq = ?");
  }

  add(r: StoredReading): void {
    this.insert.run(r.device, r.seq, Buffer.from(r.bytes), Buffer.from(r.sig), Buffer.from(r.hash), r.bySeq, r.receivedAt);
  }

  /** SHA-256 of the stored reading `seq` of `device`, if stored. */
  hashOf(device: string, seq: number): Uint8Array | undefined {
    const row = this.getOne.get(device, seq) as { hash: Buffer } | undefined;
    return row ? new Uint8Array(row.hash) : undefined;
  }

  count(device?: string): number {
    const row = (device === undefined
      ? this.db.prepare("SELECT COUNT(*) AS n FROM readings").get()
      : this.db.prepare("SELECT COUNT(*) AS n FROM readings WHERE device = ?").get(device)) as { n: number };
    return row.n;
  }
}

/** A small key/value table (the gateway's own key, for its status topic). */
export function metaGet(db: Db, key: string): Buffer | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: Buffer } | undefined;
  return row?.value;
}

export function metaSet(db: Db, key: string, value: Buffer): void {
  db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
}
