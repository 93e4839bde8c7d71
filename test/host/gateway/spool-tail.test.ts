/**
 * The spool hands out rows the pipeline just committed from memory (issue 15: reading them
 * back was ~5 % of the event loop), and only when they are exactly the next ids: a row pushed
 * outside the pipeline in between, a reconnect's cursor of 0 or a forgotten tail all go to the
 * table, so every row still goes out once and in order.
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { openStore, type Db } from "../../../host/gateway/store-sqlite";
import { Spool, type SpoolItem } from "../../../host/gateway/spool";
import { tempDir } from "./helpers";

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spool(): { db: Db; spool: Spool } {
  const dir = tempDir();
  dirs.push(dir);
  const db = openStore(join(dir, "gw.db"));
  dbs.push(db);
  return { db, spool: new Spool(db, 1e9, 0.8) };
}

/** What the pipeline does: push in a transaction, then hand the rows over once committed. */
function commitBatch(db: Db, s: Spool, payloads: string[]): SpoolItem[] {
  const items: SpoolItem[] = [];
  db.transaction(() => {
    for (const p of payloads) items.push({ id: s.push("t/reading", p, 1000), topic: "t/reading", payload: p, receivedAt: 1000 });
  })();
  s.committed(items);
  return items;
}

/** Drains like Upstream.pump, `room` at a time from the cursor: every payload handed out, in order. */
function drain(s: Spool, from: number, room: number): { payloads: string[] } {
  const payloads: string[] = [];
  const seen = new Set<number>();
  let cursor = from;
  for (;;) {
    const got = s.next(cursor, room);
    if (got.length === 0) return { payloads };
    for (const item of got) {
      if (seen.has(item.id)) throw new Error(`row ${item.id} handed out twice`);
      seen.add(item.id);
      payloads.push(item.payload);
      cursor = item.id;
    }
  }
}

describe("Spool.next", () => {
  it("hands out committed rows from memory, the very objects committed", () => {
    const { db, spool: s } = spool();
    const items = commitBatch(db, s, ["a", "b", "c"]);
    const got = s.next(0, 10);
    expect(got).toHaveLength(3);
    got.forEach((item, i) => expect(item).toBe(items[i])); // not rows read back
    expect(s.next(items[2].id, 10)).toEqual([]); // and nothing after them
  });

  it("stops at a row only the table has, and the table gives it and the rest in order", () => {
    const { db, spool: s } = spool();
    commitBatch(db, s, ["r1", "r2"]);
    s.push("t/notice", "teller", 1000); // outside the pipeline: never committed() to the tail
    commitBatch(db, s, ["r3", "r4"]);
    expect(s.next(0, 100).map((i) => i.payload)).toEqual(["r1", "r2", "teller", "r3", "r4"]); // one call: up to its limit
    expect(s.next(0, 3).map((i) => i.payload)).toEqual(["r1", "r2", "teller"]);
    expect(drain(s, 0, 1).payloads).toEqual(["r1", "r2", "teller", "r3", "r4"]);
  });

  it("reads from the table after a reconnect (cursor 0) and after a rolled-back batch", () => {
    const { db, spool: s } = spool();
    const first = commitBatch(db, s, ["r1", "r2", "r3"]);
    expect(drain(s, 0, 2).payloads).toEqual(["r1", "r2", "r3"]);
    // Reconnected: everything not yet deleted goes again, from the table.
    const again = s.next(0, 10);
    expect(again.map((i) => i.payload)).toEqual(["r1", "r2", "r3"]);
    expect(again[0]).not.toBe(first[0]);
    // A batch that rolls back pushes rows the table forgets and never hands them over.
    expect(() => db.transaction(() => {
      s.push("t/reading", "lost", 1000);
      throw new Error("SQLITE_FULL");
    })()).toThrow();
    commitBatch(db, s, ["r4"]);
    expect(drain(s, first[2].id, 10).payloads).toEqual(["r4"]);
  });

  it("keeps a bounded tail: past it the oldest rows come from the table", () => {
    const { db, spool: s } = spool();
    const payloads = Array.from({ length: 5000 }, (_, i) => `p${i}`);
    commitBatch(db, s, payloads);
    expect(drain(s, 0, 256).payloads).toEqual(payloads);
  });
});
