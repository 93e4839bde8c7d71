/**
 * The teller (issue 12). Prepaid (PAYGo, the default): a payment to the project's account whose
 * memo names a device buys days of supply at the tariff; the teller makes the credit token,
 * sends it down the link the device last used, and sends the same bytes again until a reading
 * shows the credit arrived. Postpaid (Opensolar): at each period's end the bill plus the agreed
 * ownership instalment is paid from the customer's account (autopay.ts), and while nothing is
 * owed the device's credit reaches to the end of the current period plus the grace period.
 *
 * Either way, verified energy is billed per period from the gateway's store (billing.ts), each
 * bill anchored on the ledger; whatever was paid beyond the bills counts toward owning the
 * system, and at 100 % the device is unlocked for good and billing stops. As credit runs down
 * the customer gets a notice, then a reminder; at zero the device's own clock opens the relay.
 * The teller never closes a relay without a booked payment.
 *
 * Crash safety: a payment is booked (paid total, its token's counter and bytes, the ledger
 * cursor) in one SQLite transaction keyed by the payment's id; a kill at any point either left
 * no trace (the payment is read again) or left the token to be re-sent as it is. Bills close in
 * one transaction; anchors and autopays are stored envelopes submitted at most once.
 */
import type { Keypair } from "@stellar/stellar-base";
import type { Statement } from "better-sqlite3";
import type { Db } from "../gateway/store-sqlite";
import { metaGet, metaSet } from "../gateway/store-sqlite";
import { Registry } from "../gateway/registry";
import { TokenIssuer } from "../gateway/tokens";
import type { Logger } from "../gateway/log";
import { TOKEN_ADD_CREDIT, TOKEN_DISCONNECT, TOKEN_UNLOCK } from "../../shared/protocol/token";
import type { Reading } from "../../shared/protocol/reading";
import { assetKey, fromStroops, toStroops, type Ledger, type Payment } from "../ledger/ledger";
import { priceAt, secondsFor, type Tariff } from "./tariff";
import { periodOf, type PeriodSpec } from "./periods";
import { Billing, type BillRow } from "./billing";
import { Autopay, payMemo } from "./autopay";
import type { PriceAt } from "./statement";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS teller_payments (
  id TEXT PRIMARY KEY, device TEXT NOT NULL, amount TEXT NOT NULL, seconds INTEGER NOT NULL,
  counter INTEGER NOT NULL, token BLOB, at INTEGER NOT NULL, delivered_at INTEGER, confirmed_at INTEGER, first_sent_at INTEGER
);
CREATE TABLE IF NOT EXISTS teller_devices (
  device TEXT PRIMARY KEY, paid TEXT NOT NULL DEFAULT '0', billed TEXT NOT NULL DEFAULT '0', due TEXT NOT NULL DEFAULT '0',
  energy_last INTEGER, credit_last INTEGER, seen_at INTEGER, stage TEXT NOT NULL DEFAULT '', unlocked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS teller_notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, level TEXT NOT NULL, code TEXT NOT NULL, text TEXT NOT NULL, time INTEGER NOT NULL
);
`;

export interface Notice {
  device: string;
  level: "info" | "warn";
  /** payment, unknown-payment, payment-failed, credit-low, reminder, lapsed, unlocked */
  code: string;
  text: string;
  /** Unix seconds. */
  time: number;
}

export interface TellerOptions {
  db: Db;
  ledger: Ledger;
  /** The project's account, which customers pay. */
  project: string;
  tariff: Tariff;
  /** What owning the system costs, in stroops of the tariff's asset. */
  systemValue: bigint;
  /** Sends a downlink frame to a device over its latest link; false when there is none now. */
  deliver(device: string, frame: Uint8Array): boolean;
  notice(n: Notice): void;
  logger: Logger;
  /** prepaid (default) or postpaid. */
  mode?: "prepaid" | "postpaid";
  /** Billing period; default a calendar month. */
  period?: PeriodSpec;
  /** Postpaid: credit beyond the period's end, so a late payment does not cut at once. */
  graceS?: number;
  /** Postpaid: paid toward ownership with each bill, stroops. */
  instalment?: bigint;
  /** The kWh price at a time (a price oracle); default the tariff's. */
  priceAt?: PriceAt;
  /** The project's key, for anchors. */
  projectKey?: Keypair;
  /** Postpaid: the customer's key for a device on autopay. */
  payerOf?(device: string): Keypair | undefined;
  /** Credit left (s) at which a notice goes out, and a reminder. */
  noticeS?: number;
  reminderS?: number;
  /** A token not seen applied after this long is sent again. */
  retryMs?: number;
  now?(): number;
}

interface PaymentRow {
  id: string;
  device: string;
  amount: string;
  seconds: number;
  counter: number;
  token: Buffer | null;
  at: number;
  /** Last sent (for the retry timer), and first sent (how much credit has run since). */
  delivered_at: number | null;
  first_sent_at: number | null;
  confirmed_at: number | null;
}

interface DeviceRow {
  device: string;
  paid: string;
  billed: string;
  due: string;
  energy_last: number | null;
  credit_last: number | null;
  seen_at: number | null;
  stage: string;
  unlocked: number;
}

/** One device as `solkit teller status` shows it. */
export interface TellerStatus {
  device: string;
  paid: bigint;
  /** Bills of closed periods. */
  billed: bigint;
  /** Postpaid: due and not yet paid. */
  owed: bigint;
  /** The open period: its id, energy so far (mWh) and bill so far. */
  period: string;
  periodEnergyMwh: number;
  periodBill: bigint;
  /** Parts per million of the system owned. */
  ownershipPpm: number;
  /** Credit left now, estimated from the latest verified reading. */
  creditS: number | undefined;
  unlocked: boolean;
  tokensWaiting: number;
  next: string;
  /** Unix seconds of the next action, when it has a time. */
  nextAt?: number;
}

export class Teller {
  readonly billing: Billing;
  private readonly registry: Registry;
  private readonly issuer: TokenIssuer;
  private readonly autopay: Autopay | undefined;
  private readonly now: () => number;

  /** Statements prepared once each: onReading runs for every verified reading, and a prepare costs a compile and a native object for the GC. */
  private readonly statements = new Map<string, Statement>();

  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (st === undefined) {
      st = this.o.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  constructor(private readonly o: TellerOptions) {
    o.db.exec(SCHEMA);
    const cols = (o.db.prepare("PRAGMA table_info(teller_devices)").all() as { name: string }[]).map((c) => c.name);
    if (!cols.includes("due")) o.db.exec("ALTER TABLE teller_devices ADD COLUMN due TEXT NOT NULL DEFAULT '0'");
    const pcols = (o.db.prepare("PRAGMA table_info(teller_payments)").all() as { name: string }[]).map((c) => c.name);
    if (!pcols.includes("first_sent_at")) o.db.exec("ALTER TABLE teller_payments ADD COLUMN first_sent_at INTEGER");
    this.registry = new Registry(o.db);
    this.issuer = new TokenIssuer(o.db);
    this.now = o.now ?? Date.now;
    const postpaid = o.mode === "postpaid";
    this.billing = new Billing({
      db: o.db, ledger: o.ledger, project: o.project, asset: o.tariff.asset, period: this.spec, logger: o.logger, projectKey: o.projectKey,
      priceAt: o.priceAt ?? ((t) => ({ ...priceAt(o.tariff, t), at: t })),
      dueOf: postpaid ? (device, bill) => bill + this.instalmentFor(device, bill) : undefined,
      payMemo: (device, period) => payMemo(o.ledger.networkPassphrase, o.project, device, period),
    });
    this.autopay = postpaid
      ? new Autopay({
        db: o.db, ledger: o.ledger, project: o.project, asset: o.tariff.asset, logger: o.logger, payerOf: o.payerOf ?? (() => undefined),
        failed: (device, b, why) => this.say({ device, level: "warn", code: "payment-failed", text: `the bill of ${b.period} (${fromStroops(BigInt(b.due))}) is not paid: ${why}`, time: this.nowS() }),
      })
      : undefined;
  }

  private get spec(): PeriodSpec {
    return this.o.period ?? { kind: "month" };
  }

  private nowS(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The instalment this bill carries: never beyond what owning the system still costs. */
  private instalmentFor(device: string, bill: bigint): bigint {
    const d = this.device(device);
    const owned = BigInt(d.paid) - BigInt(d.billed) - bill;
    const left = this.o.systemValue - (owned > 0n ? owned : 0n);
    const inst = this.o.instalment ?? 0n;
    return left <= 0n ? 0n : inst < left ? inst : left;
  }

  /** The device a memo names: a registered id that starts with the memo (28 characters of 56 are unique enough). */
  private deviceOfMemo(memo: string): string | undefined {
    if (memo.length < 20 || !memo.startsWith("G")) return undefined;
    const hits = this.registry.list().filter((d) => d.id.startsWith(memo));
    return hits.length === 1 ? hits[0].id : undefined;
  }

  private device(id: string): DeviceRow {
    this.sql("INSERT OR IGNORE INTO teller_devices (device) VALUES (?)").run(id);
    return this.sql("SELECT * FROM teller_devices WHERE device = ?").get(id) as DeviceRow;
  }

  /**
   * One round: close ended periods and anchor them, pay what is due (postpaid), book new
   * payments to the project as tokens, and send tokens not yet seen applied.
   */
  async poll(): Promise<void> {
    const nowS = this.nowS();
    // Every registered device is billed from the store, heard by this teller or not.
    for (const { id } of this.registry.list()) if (this.device(id).unlocked === 0) this.billing.closeDue(id, nowS);
    await this.billing.anchorPending(nowS);
    await this.autopay?.run(nowS);
    const cursor = metaGet(this.o.db, "teller_cursor")?.toString("utf8");
    const payments = await this.o.ledger.payments(this.o.project, cursor);
    for (const p of payments) this.take(p);
    this.resend();
  }

  /** One payment: recorded with its token and the cursor in one transaction (see the file comment). */
  private take(p: Payment): void {
    const t = this.o.tariff;
    // A customer's payment; not the create_account that funded the project's own account.
    const incoming = p.type === "payment" && p.to === this.o.project && p.from !== this.o.project && assetKey(p.asset) === assetKey(t.asset);
    const bill = incoming && p.memoType === "hash" ? (this.sql("SELECT * FROM teller_bills WHERE pay_memo = ?").get(p.memo) as BillRow | undefined) : undefined;
    const device = bill?.device ?? (incoming ? this.deviceOfMemo(p.memo) : undefined);
    const postpaid = this.o.mode === "postpaid";
    const seconds = postpaid ? 0 : secondsFor(t, p.amount);
    let notice: Notice | undefined;
    this.o.db.transaction(() => {
      metaSet(this.o.db, "teller_cursor", Buffer.from(p.id));
      if (!incoming) return;
      if (this.sql("SELECT 1 FROM teller_payments WHERE id = ?").get(p.id) !== undefined) return;
      if (device === undefined || (!postpaid && seconds < 1)) {
        this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, at) VALUES (?, '', ?, 0, 0, ?)").run(p.id, p.amount.toString(), this.now());
        notice = { device: "", level: "warn", code: "unknown-payment", text: `payment of ${fromStroops(p.amount)} from ${p.from} (tx ${p.hash}) names no registered device in its memo "${p.memo}"; refund it or add credit by hand (solkit credit add)`, time: p.at };
        return;
      }
      const d = this.device(device);
      this.sql("UPDATE teller_devices SET paid = ?, stage = '' WHERE device = ?").run((BigInt(d.paid) + p.amount).toString(), device);
      if (bill) this.sql("UPDATE teller_bills SET pay_state = 'paid', pay_hash = ? WHERE device = ? AND period = ?").run(p.hash, bill.device, bill.period);
      if (postpaid) {
        this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, at) VALUES (?, ?, ?, 0, 0, ?)").run(p.id, device, p.amount.toString(), this.now());
        const owed = this.owed(device);
        if (owed <= 0n) this.sql("UPDATE teller_bills SET pay_state = 'paid' WHERE device = ? AND pay_state IN ('due', 'owed')").run(device);
        const token = owed <= 0n ? this.creditToPeriodEnd(device) : undefined;
        notice = { device, level: "info", code: "payment", text: `paid ${fromStroops(p.amount)}${bill ? ` for ${bill.period}` : ""} (tx ${p.hash})${owed > 0n ? `; ${fromStroops(owed)} still owed` : token ? `: supply until the period's end and ${this.graceDays()} days, token ${token}` : ""}`, time: p.at };
        return;
      }
      const token = this.issuer.issue(device, TOKEN_ADD_CREDIT, seconds);
      this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(p.id, device, p.amount.toString(), seconds, token.counter, Buffer.from(token.bytes), this.now());
      notice = { device, level: "info", code: "payment", text: `paid ${fromStroops(p.amount)} (tx ${p.hash}): +${(seconds / 86400).toFixed(2)} days of supply, token ${token.counter}`, time: p.at };
    }).immediate();
    if (notice) this.say(notice);
    if (device !== undefined) this.checkOwnership(device);
  }

  private graceDays(): string {
    return ((this.o.graceS ?? 0) / 86400).toFixed(1);
  }

  /**
   * A technician's token (the dashboard's top-up or disconnect, issue 13): made and kept like a
   * payment's, sent at once and again until a reading shows it. No money is booked.
   * @returns the token's counter
   */
  grant(device: string, kind: typeof TOKEN_ADD_CREDIT | typeof TOKEN_DISCONNECT, seconds: number, who: string): number {
    const counter = this.o.db.transaction(() => {
      const token = this.issuer.issue(device, kind, kind === TOKEN_ADD_CREDIT ? seconds : 0);
      this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, '0', ?, ?, ?, ?)")
        .run(`grant:${device}:${token.counter}`, device, kind === TOKEN_ADD_CREDIT ? seconds : 0, token.counter, Buffer.from(token.bytes), this.now());
      this.device(device);
      return token.counter;
    }).immediate();
    this.say({ device, level: "info", code: kind === TOKEN_ADD_CREDIT ? "top-up" : "disconnect", text: kind === TOKEN_ADD_CREDIT ? `+${(seconds / 86400).toFixed(2)} days of supply by ${who}, token ${counter}` : `disconnected by ${who}, token ${counter}`, time: this.nowS() });
    this.resend();
    return counter;
  }

  /** Postpaid: what the device's closed bills asked and its payments have not covered. */
  private owed(device: string): bigint {
    const d = this.device(device);
    const owed = BigInt(d.due) - BigInt(d.paid);
    return owed > 0n ? owed : 0n;
  }

  /**
   * Postpaid, nothing owed: a token that tops the device's credit up to the end of the current
   * period plus the grace period; at most one per period (its id names the period).
   * @returns the token's counter, or undefined when none was needed
   */
  private creditToPeriodEnd(device: string): number | undefined {
    const nowS = this.nowS();
    const period = periodOf(this.spec, nowS);
    const id = `credit:${device}:${period.id}`;
    if (this.sql("SELECT 1 FROM teller_payments WHERE id = ?").get(id) !== undefined) return undefined;
    const seconds = period.to + (this.o.graceS ?? 0) - nowS - this.creditNow(this.device(device));
    if (seconds < 60) return undefined;
    const token = this.issuer.issue(device, TOKEN_ADD_CREDIT, seconds);
    this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, '0', ?, ?, ?, ?)").run(id, device, seconds, token.counter, Buffer.from(token.bytes), this.now());
    return token.counter;
  }

  /** Credit left now: the latest reading's, less the time since. */
  private creditNow(d: DeviceRow): number {
    if (d.credit_last === null || d.seen_at === null) return 0;
    return Math.max(0, d.credit_last - Math.floor((this.now() - d.seen_at) / 1000));
  }

  /** Sends tokens not yet seen applied, again after retryMs (the same bytes: one counter, one effect). */
  private resend(): void {
    const now = this.now();
    const retry = this.o.retryMs ?? 60_000;
    const rows = this.sql("SELECT * FROM teller_payments WHERE token IS NOT NULL AND confirmed_at IS NULL").all() as PaymentRow[];
    for (const r of rows) {
      if (r.delivered_at !== null && now - r.delivered_at < retry) continue;
      if (!this.o.deliver(r.device, new Uint8Array(r.token!))) continue; // no link now: next poll
      this.sql("UPDATE teller_payments SET delivered_at = ?, first_sent_at = COALESCE(first_sent_at, ?) WHERE id = ?").run(now, now, r.id);
      this.o.logger.log("info", "teller", `device=${r.device} token ${r.counter} sent (${r.seconds === 0 ? "unlock" : `+${r.seconds} s`})`);
    }
  }

  /**
   * A verified reading: sees tokens arrive in its credit, enrols a postpaid device, and moves
   * the notices along as the credit runs down. (Energy is billed per period from the store.)
   */
  onReading(device: string, r: Reading): void {
    const first = this.device(device).seen_at === null;
    const now = this.now();
    this.sql("UPDATE teller_devices SET energy_last = ?, credit_last = ?, seen_at = ? WHERE device = ?").run(r.energyIn, r.credit, now, device);
    // A token counts as arrived once the credit shows it (less what ran since it was sent).
    const waiting = this.sql("SELECT * FROM teller_payments WHERE device = ? AND token IS NOT NULL AND confirmed_at IS NULL AND delivered_at IS NOT NULL").all(device) as PaymentRow[];
    for (const w of waiting) {
      const ran = Math.floor((now - (w.first_sent_at ?? w.delivered_at!)) / 1000);
      if (w.seconds === 0 || r.credit + ran + 120 >= w.seconds) this.sql("UPDATE teller_payments SET confirmed_at = ? WHERE id = ?").run(now, w.id);
    }
    if (first && this.o.mode === "postpaid" && this.device(device).unlocked === 0) {
      const counter = this.o.db.transaction(() => this.creditToPeriodEnd(device)).immediate();
      if (counter !== undefined) this.o.logger.log("info", "teller", `device=${device} enrolled (postpaid): supply until the period's end and ${this.graceDays()} days, token ${counter}`);
      this.resend();
    }
    this.checkOwnership(device);
    this.lapse(device, r.credit);
  }

  private lapse(device: string, credit: number): void {
    const d = this.device(device);
    const everCredited = this.sql("SELECT 1 FROM teller_payments WHERE device = ? AND token IS NOT NULL").get(device) !== undefined;
    if (d.unlocked || !everCredited) return; // a device nobody has paid for yet has nothing to run out of
    // A token on its way: this reading's credit is from before it, not a run-down.
    if (this.sql("SELECT 1 FROM teller_payments WHERE device = ? AND token IS NOT NULL AND confirmed_at IS NULL").get(device) !== undefined) return;
    const noticeS = this.o.noticeS ?? 2 * 86400;
    const reminderS = this.o.reminderS ?? 6 * 3600;
    const stage = credit <= 0 ? "lapsed" : credit <= reminderS ? "reminder" : credit <= noticeS ? "low" : "";
    const order = ["", "low", "reminder", "lapsed"];
    if (order.indexOf(stage) <= order.indexOf(d.stage)) return; // each said once per run-down
    // Postpaid credit runs down to the grace at every period's end, just before autopay: that is
    // only news when a bill is owed.
    if (this.o.mode === "postpaid" && stage !== "lapsed" && this.owed(device) === 0n) return;
    this.sql("UPDATE teller_devices SET stage = ? WHERE device = ?").run(stage, device);
    const days = (credit / 86400).toFixed(1);
    const time = this.nowS();
    const how = this.o.mode === "postpaid" ? `fund the autopay account or pay ${this.o.project} with the memo ${device.slice(0, 28)}` : `pay the project account with the memo ${device.slice(0, 28)}`;
    if (stage === "low") this.say({ device, level: "warn", code: "credit-low", text: `credit runs out in ${days} days: ${how}`, time });
    if (stage === "reminder") this.say({ device, level: "warn", code: "reminder", text: `reminder: credit runs out in ${(credit / 3600).toFixed(1)} hours; then the power goes off`, time });
    if (stage === "lapsed") this.say({ device, level: "warn", code: "lapsed", text: "credit ran out: the relay is open until a payment arrives", time });
  }

  /** Paid beyond the energy billed, as a share of the system; at 100 % an unlock-for-good token. */
  private checkOwnership(device: string): void {
    const d = this.device(device);
    if (d.unlocked || this.o.systemValue <= 0n) return;
    const extra = BigInt(d.paid) - BigInt(d.billed);
    if (extra < this.o.systemValue) return;
    this.o.db.transaction(() => {
      const token = this.issuer.issue(device, TOKEN_UNLOCK, 0);
      this.sql("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, '0', 0, ?, ?, ?)")
        .run(`unlock:${device}`, device, token.counter, Buffer.from(token.bytes), this.now());
      this.sql("UPDATE teller_devices SET unlocked = 1 WHERE device = ?").run(device);
    }).immediate();
    this.say({ device, level: "info", code: "unlocked", text: "the system is paid off: unlocked for good, no more payments needed", time: this.nowS() });
    this.resend();
  }

  private say(n: Notice): void {
    this.o.logger.log(n.level, "notice", `${n.device ? `device=${n.device} ` : ""}${n.code}: ${n.text}`);
    this.sql("INSERT INTO teller_notices (device, level, code, text, time) VALUES (?, ?, ?, ?, ?)").run(n.device, n.level, n.code, n.text, n.time);
    this.o.notice(n);
  }

  /** The latest notices, newest first (the dashboard's list; kept across restarts). */
  notices(limit = 50, device?: string): (Notice & { id: number })[] {
    return (device === undefined
      ? this.sql("SELECT * FROM teller_notices ORDER BY id DESC LIMIT ?").all(limit)
      : this.sql("SELECT * FROM teller_notices WHERE device = ? ORDER BY id DESC LIMIT ?").all(device, limit)) as (Notice & { id: number })[];
  }

  /** Payments booked and tokens made, newest first: amount, seconds, token counter, ledger transaction, delivery. */
  payments(limit = 50): { id: string; device: string; amount: bigint; seconds: number; counter: number; at: number; sent: boolean; applied: boolean; tx: string }[] {
    const rows = this.sql("SELECT * FROM teller_payments ORDER BY at DESC, rowid DESC LIMIT ?").all(limit) as PaymentRow[];
    return rows.map((r) => ({
      id: r.id, device: r.device, amount: BigInt(r.amount), seconds: r.seconds, counter: r.counter, at: r.at, sent: r.delivered_at !== null, applied: r.confirmed_at !== null,
      // A ledger payment's id is "<tx hash>-<op>" (local) or a paging token (Horizon); tokens made by the teller itself have none.
      tx: /^[0-9a-f]{64}-\d+$/.test(r.id) ? r.id.slice(0, 64) : "",
    }));
  }

  /** Every device the teller knows, with what a person would ask about it. */
  status(): TellerStatus[] {
    const rows = this.sql("SELECT * FROM teller_devices ORDER BY device").all() as DeviceRow[];
    const nowS = this.nowS();
    return rows.map((d) => {
      const paid = BigInt(d.paid);
      const billed = BigInt(d.billed);
      const extra = paid - billed;
      const ppm = this.o.systemValue > 0n && extra > 0n ? Number((extra * 1_000_000n) / this.o.systemValue) : 0;
      const waiting = (this.sql("SELECT COUNT(*) AS n FROM teller_payments WHERE device = ? AND token IS NOT NULL AND confirmed_at IS NULL").get(d.device) as { n: number }).n;
      const credit = d.credit_last === null ? undefined : this.creditNow(d);
      const open = this.billing.openStatement(d.device, nowS);
      const owed = this.o.mode === "postpaid" ? this.owed(d.device) : 0n;
      let next: string;
      let nextAt: number | undefined;
      if (d.unlocked) next = "none: unlocked for good";
      else if (waiting > 0) next = `deliver ${waiting} token(s)`;
      else if (owed > 0n) next = `collect ${fromStroops(owed)} owed`;
      else if (credit === undefined) next = "wait for a reading";
      else if (credit <= 0) next = "wait for a payment (relay open)";
      else if (this.o.mode === "postpaid") [next, nextAt] = [`bill ${open.period} at its end`, open.to];
      else [next, nextAt] = [`a payment within ${(credit / 86400).toFixed(1)} days`, nowS + credit];
      return {
        device: d.device, paid, billed, owed, period: open.period, periodEnergyMwh: open.energyMwh, periodBill: toStroops(open.bill),
        ownershipPpm: Math.min(ppm, 1_000_000), creditS: credit, unlocked: d.unlocked === 1, tokensWaiting: waiting, next, nextAt,
      };
    });
  }

  bills(device?: string): BillRow[] {
    return this.billing.bills(device);
  }
}
