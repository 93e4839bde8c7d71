/**
 * The records the pipeline keeps between batches (Registry.hot, issue 15: a read per batch was
 * the gateway's p99). Kept only while they are true: moved by advance(), dropped by an add or
 * remove through any Registry on the connection, by another connection's commit (a CLI
 * changing a key while the gateway runs), and on demand after a rolled-back transaction.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { encodePublicKey } from "../../../shared/crypto/strkey";
import { openStore, type Db } from "../../../host/gateway/store-sqlite";
import { Registry } from "../../../host/gateway/registry";
import { tempDir } from "./helpers";

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(file: string): Db {
  const db = openStore(file);
  dbs.push(db);
  return db;
}

function setup(): { file: string; db: Db; reg: Registry; id: string } {
  const dir = tempDir();
  dirs.push(dir);
  const file = join(dir, "gw.db");
  const db = open(file);
  const reg = new Registry(db);
  const id = encodePublicKey(new Uint8Array(randomBytes(32)));
  reg.add({ id, hmacKey: new Uint8Array(32).fill(1) });
  return { file, db, reg, id };
}

describe("Registry.hot", () => {
  it("reads a device once and keeps it, with the chain state advance() moves", () => {
    const { reg, id } = setup();
    const first = reg.hot(id);
    expect(first?.state.lastSeq).toBe(-1);
    expect(reg.hot(id)).toBe(first); // kept: no second read
    const hash = new Uint8Array(32).fill(7);
    reg.advance(id, { lastSeq: 4, lastHash: hash }, 5, 0, "serial:x", 1000, 0);
    hash.fill(0); // the kept state is a copy, not the caller's array
    const moved = reg.hot(id)!;
    expect(moved.state.lastSeq).toBe(4);
    expect([...moved.state.lastHash]).toEqual(new Array(32).fill(7));
    expect(reg.get(id)!.state.lastSeq).toBe(4); // and the database agrees
  });

  it("drops kept records when any Registry on the connection adds or removes a device", () => {
    const { db, reg, id } = setup();
    expect([...reg.hot(id)!.hmacKey]).toEqual(new Array(32).fill(1));
    new Registry(db).add({ id, hmacKey: new Uint8Array(32).fill(2) }); // new keys, another instance
    expect([...reg.hot(id)!.hmacKey]).toEqual(new Array(32).fill(2));
    expect(new Registry(db).remove(id)).toBe(true);
    expect(reg.hot(id)).toBeUndefined();
  });

  it("drops kept records when another connection commits (the CLI while the gateway runs)", () => {
    const { file, reg, id } = setup();
    expect(reg.hot(id)?.name).toBe("");
    const other = open(file);
    other.prepare("UPDATE devices SET hmac_key = ?, name = 'pump' WHERE id = ?").run(Buffer.alloc(32, 3), id);
    const rec = reg.hot(id)!;
    expect(rec.name).toBe("pump");
    expect([...rec.hmacKey]).toEqual(new Array(32).fill(3));
  });

  it("never keeps an unknown id: a device that appears later is found", () => {
    const { db, reg } = setup();
    const stranger = encodePublicKey(new Uint8Array(randomBytes(32)));
    for (let i = 0; i < 3; i++) expect(reg.hot(stranger)).toBeUndefined();
    // Inserted on the same connection without the Registry: nothing drops kept records and
    // data_version does not move, so only a miss that was not kept finds it.
    db.prepare("INSERT INTO devices (id, public_key, hmac_key, added_at, last_hash) SELECT ?, public_key, hmac_key, 0, zeroblob(32) FROM devices LIMIT 1").run(stranger);
    expect(reg.hot(stranger)?.id).toBe(stranger);
  });

  it("forgets advanced states on dropKept (a rolled-back transaction)", () => {
    const { db, reg, id } = setup();
    reg.hot(id);
    expect(() => db.transaction(() => {
      reg.advance(id, { lastSeq: 9, lastHash: new Uint8Array(32) }, 10, 0, "serial:x", 1000, 0);
      throw new Error("rolled back");
    })()).toThrow("rolled back");
    expect(reg.hot(id)!.state.lastSeq).toBe(9); // what the pipeline must not go on with…
    reg.dropKept();
    expect(reg.hot(id)!.state.lastSeq).toBe(-1); // …so it drops it, and the database's tip is read
  });
});
