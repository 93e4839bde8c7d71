/**
 * The local ledger's state in one SQLite file: accounts, signers, trustlines, data entries,
 * and every submitted transaction with its result and payments. Integers are read as BigInt
 * (balances in stroops pass 2^53 at 900 million XLM; the root account holds 100 billion).
 */
import Database from "better-sqlite3";
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

export type LedgerDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  balance INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  subentries INTEGER NOT NULL DEFAULT 0,
  master_weight INTEGER NOT NULL DEFAULT 1,
  low INTEGER NOT NULL DEFAULT 0,
  med INTEGER NOT NULL DEFAULT 0,
  high INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS signers (account TEXT NOT NULL, key TEXT NOT NULL, weight INTEGER NOT NULL, PRIMARY KEY (account, key));
CREATE TABLE IF NOT EXISTS trustlines (
  account TEXT NOT NULL, asset TEXT NOT NULL, balance INTEGER NOT NULL, lim INTEGER NOT NULL,
  PRIMARY KEY (account, asset)
);
CREATE TABLE IF NOT EXISTS data (account TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (account, name));
CREATE TABLE IF NOT EXISTS txs (
  hash TEXT PRIMARY KEY, ledger INTEGER NOT NULL, at INTEGER NOT NULL, source TEXT NOT NULL,
  envelope TEXT NOT NULL, successful INTEGER NOT NULL, result TEXT NOT NULL, fee INTEGER NOT NULL,
  memo TEXT NOT NULL, memo_type TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
  id TEXT PRIMARY KEY, hash TEXT NOT NULL, ledger INTEGER NOT NULL, at INTEGER NOT NULL,
  source TEXT NOT NULL, destination TEXT NOT NULL, asset TEXT NOT NULL, amount INTEGER NOT NULL,
  memo TEXT NOT NULL, memo_type TEXT NOT NULL, type TEXT NOT NULL DEFAULT 'payment'
);
CREATE INDEX IF NOT EXISTS payments_to ON payments (destination, ledger);
CREATE INDEX IF NOT EXISTS payments_from ON payments (source, ledger);
CREATE INDEX IF NOT EXISTS payments_memo ON payments (memo);
`;

/** Opens (creating) the ledger file, 0600 in a folder made 0700, WAL, synchronous=FULL. */
export function openLedgerDb(file: string): LedgerDb {
  if (file !== ":memory:") {
    const made = mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (made !== undefined) chmodSync(dirname(file), 0o700);
    closeSync(openSync(file, "a", 0o600));
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  db.defaultSafeIntegers(true);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}

export interface AccountRow {
  id: string;
  balance: bigint;
  seq: bigint;
  subentries: bigint;
  master_weight: bigint;
  low: bigint;
  med: bigint;
  high: bigint;
}
