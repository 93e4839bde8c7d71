/**
 * Billing periods closed from the gateway's store and anchored on the ledger (issue 12).
 *
 * A device's period closes once a verified reading from after its end is stored (or, for a
 * device gone quiet, a day after the end): its statement (statement.ts) is recorded with the
 * bill in one transaction, which also adds the bill to the device's total. Then, if the host
 * holds the project's key, the statement's SHA-256 goes on the ledger as the memo hash of a
 * manage-data operation on the project's account ("solkit:anchor" = the same 32 bytes), one
 * transaction per bill, submitted at most once (submit-once.ts). `solkit verify --anchor`
 * recomputes the statement from the readings and compares.
 */
import { Memo, Operation, type Keypair } from "@stellar/stellar-base";
import type { Db } from "../gateway/store-sqlite";
import type { Logger } from "../gateway/log";
import { toStroops, type AssetId, type Ledger } from "../ledger/ledger";
import { periodOf, type PeriodSpec } from "./periods";
import { firstAfter, makeStatement, newestReading, statementDigest, statementJson, type PriceAt, type Statement } from "./statement";
import { buildEnvelope, envelopeSpent, submitOnce, type Envelope } from "./submit-once";

export const BILLS_SCHEMA = `
CREATE TABLE IF NOT EXISTS teller_bills (
  device TEXT NOT NULL, period TEXT NOT NULL, to_s INTEGER NOT NULL, last_seq INTEGER,
  statement TEXT NOT NULL, digest TEXT NOT NULL, bill TEXT NOT NULL, due TEXT NOT NULL, closed_at INTEGER NOT NULL,
  anchor_env TEXT, anchor_hash TEXT, anchor_state TEXT NOT NULL DEFAULT 'pending',
  pay_memo TEXT, pay_env TEXT, pay_hash TEXT, pay_state TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (device, period)
);
CREATE INDEX IF NOT EXISTS teller_bills_memo ON teller_bills (pay_memo);
`;

/** The manage-data entry an anchor sets on the project's account (one entry, overwritten: one reserve). */
export const ANCHOR_DATA_NAME = "solkit:anchor";

/** A device quiet this long after its period ended gets the period closed on what it sent. */
export const CLOSE_QUIET_S = 86_400;

export interface BillRow {
  device: string;
  period: string;
  to_s: number;
  last_seq: number | null;
  statement: string;
  digest: string;
  bill: string;
  due: string;
  closed_at: number;
  anchor_env: string | null;
  anchor_hash: string | null;
  anchor_state: string;
  pay_memo: string | null;
  pay_env: string | null;
  pay_hash: string | null;
  pay_state: string;
}

export interface BillingOptions {
  db: Db;
  ledger: Ledger;
  project: string;
  asset: AssetId;
  period: PeriodSpec;
  priceAt: PriceAt;
  /** The project's signing key, for anchors; undefined: bills are kept but not anchored. */
  projectKey?: Keypair;
  logger: Logger;
  /** What a closed bill asks the customer to pay (postpaid: bill + instalment), stroops; default nothing. */
  dueOf?(device: string, bill: bigint): bigint;
  /** The memo hash an autopay of this bill carries (postpaid), hex. */
  payMemo?(device: string, period: string): string;
}

export class Billing {
  constructor(private readonly o: BillingOptions) {
    o.db.exec(BILLS_SCHEMA);
  }

  /** The last seq already billed for a device (null: nothing billed yet). */
  lastBilledSeq(device: string): number | null {
    const r = this.o.db.prepare("SELECT MAX(last_seq) AS s FROM teller_bills WHERE device = ?").get(device) as { s: number | null };
    return r.s;
  }

  /**
   * The period the next unbilled reading falls in: never one already closed (a late reading, or
   * a clock set back, goes into the first period still open).
   */
  private openPeriod(device: string, time: number) {
    const r = this.o.db.prepare("SELECT MAX(to_s) AS t FROM teller_bills WHERE device = ?").get(device) as { t: number | null };
    return periodOf(this.o.period, Math.max(time, r.t ?? 0));
  }

  /** The statement of the period still open (what `teller status` shows as "this period"). */
  openStatement(device: string, nowS: number): Statement {
    const after = this.lastBilledSeq(device);
    const first = firstAfter(this.o.db, device, after);
    const period = this.openPeriod(device, first?.time ?? nowS);
    return makeStatement(this.o.db, { ...this.common(device), period, afterSeq: after });
  }

  private common(device: string) {
    return { network: this.o.ledger.networkPassphrase, project: this.o.project, device, asset: this.o.asset, priceAt: this.o.priceAt };
  }

  /**
   * Closes every period of the device that has ended (several after a long silence); returns
   * the bills made. The bill and the device's running totals change in one transaction.
   */
  closeDue(device: string, nowS: number, onClosed?: (b: BillRow) => void): BillRow[] {
    const made: BillRow[] = [];
    const newest = newestReading(this.o.db, device);
    if (newest === undefined) return made;
    for (;;) {
      const after = this.lastBilledSeq(device);
      const first = firstAfter(this.o.db, device, after);
      if (first === undefined) return made;
      const period = this.openPeriod(device, first.time);
      if (newest.time < period.to && nowS < period.to + CLOSE_QUIET_S) return made;
      const s = makeStatement(this.o.db, { ...this.common(device), period, afterSeq: after });
      const bill = toStroops(s.bill);
      const due = this.o.dueOf?.(device, bill) ?? 0n;
      const row: BillRow = {
        device, period: s.period, to_s: s.to, last_seq: s.lastSeq, statement: statementJson(s), digest: statementDigest(s).toString("hex"), bill: bill.toString(), due: due.toString(),
        closed_at: nowS, anchor_env: null, anchor_hash: null, anchor_state: this.o.projectKey ? "pending" : "off",
        pay_memo: due > 0n ? this.o.payMemo?.(device, s.period) ?? null : null, pay_env: null, pay_hash: null, pay_state: due > 0n ? "due" : "",
      };
      this.o.db.transaction(() => {
        this.o.db.prepare(`INSERT INTO teller_bills (device, period, to_s, last_seq, statement, digest, bill, due, closed_at, anchor_state, pay_memo, pay_state)
          VALUES (@device, @period, @to_s, @last_seq, @statement, @digest, @bill, @due, @closed_at, @anchor_state, @pay_memo, @pay_state)`).run(row);
        this.o.db.prepare("UPDATE teller_devices SET billed = CAST(CAST(billed AS INTEGER) + ? AS TEXT), due = CAST(CAST(due AS INTEGER) + ? AS TEXT) WHERE device = ?").run(bill, due, device);
        onClosed?.(row);
      }).immediate();
      this.o.logger.log("info", "teller", `device=${device} period ${s.period} billed: ${(s.energyMwh / 1e6).toFixed(3)} kWh, ${s.bill}, seq ${s.firstSeq}..${s.lastSeq}`);
      made.push(row);
    }
  }

  /** Puts pending bills' digests on the ledger, oldest first, one at a time (one sequence number in flight). */
  async anchorPending(nowS: number): Promise<void> {
    const key = this.o.projectKey;
    if (key === undefined) return;
    const rows = this.o.db.prepare("SELECT * FROM teller_bills WHERE anchor_state = 'pending' ORDER BY closed_at, device, period").all() as BillRow[];
    for (const b of rows) {
      let env: Envelope | undefined = b.anchor_env ? { xdr: b.anchor_env, hash: b.anchor_hash! } : undefined;
      if (env === undefined) {
        const digest = Buffer.from(b.digest, "hex");
        env = await buildEnvelope(this.o.ledger, key, [Operation.manageData({ name: ANCHOR_DATA_NAME, value: digest })], Memo.hash(b.digest), nowS);
        // Stored before it is sent: after a crash the same envelope goes again (submit-once.ts).
        this.o.db.prepare("UPDATE teller_bills SET anchor_env = ?, anchor_hash = ? WHERE device = ? AND period = ?").run(env.xdr, env.hash, b.device, b.period);
      }
      const r = await submitOnce(this.o.ledger, env);
      if (r.successful) {
        this.o.db.prepare("UPDATE teller_bills SET anchor_state = 'anchored' WHERE device = ? AND period = ?").run(b.device, b.period);
        this.o.logger.log("info", "teller", `device=${b.device} period ${b.period} anchored: tx ${r.hash}`);
        continue;
      }
      if (await envelopeSpent(this.o.ledger, env, r)) this.o.db.prepare("UPDATE teller_bills SET anchor_env = NULL, anchor_hash = NULL WHERE device = ? AND period = ?").run(b.device, b.period);
      this.o.logger.log("warn", "teller", `device=${b.device} period ${b.period}: anchor refused (${r.transaction} ${r.operations.join(",")}); tried again next poll`);
      return;
    }
  }

  bills(device?: string): BillRow[] {
    return (device === undefined
      ? this.o.db.prepare("SELECT * FROM teller_bills ORDER BY device, to_s").all()
      : this.o.db.prepare("SELECT * FROM teller_bills WHERE device = ? ORDER BY to_s").all(device)) as BillRow[];
  }
}
