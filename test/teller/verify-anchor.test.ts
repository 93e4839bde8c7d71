/**
 * `solkit verify --anchor TX` (issue 12): a closed, anchored bill is proven from the ledger and
 * the gateway's readings; a statement that is not the anchored one, a reading changed in the
 * database, or a transaction that is no anchor each fail with the check that broke (exit 1).
 */
import { afterEach, describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { billedWorld } from "./fixture";
import { solkit } from "../cli/helpers";
import type { Statement } from "../../host/teller/statement";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function anchored() {
  const w = await billedWorld();
  dirs.push(w.dir);
  const t = w.make(w.ledger);
  await t.poll();
  const [bill] = t.bills();
  expect(bill.anchor_state).toBe("anchored");
  w.db.close();
  w.ledger.close();
  const args = ["--db", join(w.dir, "gateway.db"), "--ledger", join(w.dir, "ledger.db")];
  return { w, bill, args };
}

describe("solkit verify --anchor", () => {
  it("proves a bill: memo = statement digest, readings chained and signed, energy and bill recomputed", async () => {
    const { bill, args } = await anchored();
    const r = solkit(["verify", "--anchor", bill.anchor_hash!, ...args]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/✓ the statement of G\w+… for 2026-01-01\+1d hashes to the memo/);
    expect(r.stdout).toMatch(/✓ readings 0\.\.1439: 1440 chained and signed by the device/);
    expect(r.stdout).toMatch(/✓ bill \d+\.\d{7} = 1\.439 kWh × 0\.2000000 \(fixed\)/);
    expect(r.stdout).toMatch(/anchor proven/);
  }, 60_000);

  it("refuses a changed statement, a changed reading and a transaction that is no anchor", async () => {
    const { w, bill, args } = await anchored();
    const st = JSON.parse(bill.statement) as Statement;
    const forged = join(w.dir, "forged.json");
    writeFileSync(forged, JSON.stringify({ ...st, bill: "0.0000001" }));
    const a = solkit(["verify", "--anchor", bill.anchor_hash!, ...args, "--statement", forged]);
    expect(a.status).toBe(1);
    expect(a.stdout).toMatch(/✗ the statement's SHA-256 \w+ is not the memo/);

    const b = solkit(["verify", "--anchor", bill.pay_hash!, ...args]); // the autopay: its memo is no statement
    expect(b.status).toBe(1);
    expect(b.stdout).toMatch(/✗ no bill in the database has that digest/);

    const Database = (await import("better-sqlite3")).default;
    const db = new Database(join(w.dir, "gateway.db"));
    const row = db.prepare("SELECT bytes FROM readings WHERE device = ? AND seq = 700").get(w.dev.id) as { bytes: Buffer };
    row.bytes[row.bytes.length - 40] ^= 1; // one bit of reading 700's registers
    db.prepare("UPDATE readings SET bytes = ? WHERE device = ? AND seq = 700").run(row.bytes, w.dev.id);
    db.close();
    const c = solkit(["verify", "--anchor", bill.anchor_hash!, ...args]);
    expect(c.status).toBe(1);
    expect(c.stdout).toMatch(/✗ reading 70\d is rejected/);
    expect(c.stdout).toMatch(/anchor NOT proven/);

    const d = solkit(["verify", "--anchor", "00".repeat(32), ...args]);
    expect(d.status).toBe(1);
    expect(d.stdout).toMatch(/has no transaction 0{64}/);
    expect(solkit(["verify", "--anchor", "xyz", ...args])).toMatchObject({ status: 2, stderr: expect.stringMatching(/not a transaction hash/) });
  }, 60_000);
});
