/**
 * The teller, prepaid (issue 12): a payment to the project's account whose memo names a device
 * buys days of supply at the tariff; the teller makes the credit token, sends it down the link
 * the device last used, and sends the same bytes again until a reading shows the credit arrived.
 * Verified energy is billed at the kWh price; whatever was paid beyond the energy counts toward
 * owning the system, and at 100 % the device is unlocked for good. As credit runs down it sends
 * a notice, then a reminder; at zero the device's own clock opens the relay — the teller never
 * closes it without a payment.
 *
 * Crash safety: a payment, its token's counter and the token's bytes are one SQLite
 * transaction, keyed by the payment's id, and the ledger cursor moves in it too. A kill at any
 * point either left no trace (the payment is read again) or left the token to be re-sent as
 * it is: never a second token for one payment, never a counter used twice.
 */
import type { Db } from "../gateway/store-sqlite";
import { metaGet, metaSet } from "../gateway/store-sqlite";
import { Registry } from "../gateway/registry";
import { TokenIssuer } from "../gateway/tokens";
import type { Logger } from "../gateway/log";
import { TOKEN_ADD_CREDIT, TOKEN_UNLOCK } from "../../shared/protocol/token";
import type { Reading } from "../../shared/protocol/reading";
import { assetKey, fromStroops, type Ledger, type Payment } from "../ledger/ledger";
import { energyBill, priceAt, secondsFor, type Tariff } from "./tariff";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS teller_payments (
  id TEXT PRIMARY KEY, device TEXT NOT NULL, amount TEXT NOT NULL, seconds INTEGER NOT NULL,
  counter INTEGER NOT NULL, token BLOB, at INTEGER NOT NULL, delivered_at INTEGER, confirmed_at INTEGER
);
CREATE TABLE IF NOT EXISTS teller_devices (
  device TEXT PRIMARY KEY, paid TEXT NOT NULL DEFAULT '0', billed TEXT NOT NULL DEFAULT '0',
  energy_last INTEGER, credit_last INTEGER, seen_at INTEGER, stage TEXT NOT NULL DEFAULT '', unlocked INTEGER NOT NULL DEFAULT 0
);
`;

export interface Notice {
  device: string;
  level: "info" | "warn";
  /** payment, unknown-payment, credit-low, reminder, lapsed, unlocked */
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
  delivered_at: number | null;
  confirmed_at: number | null;
}

interface DeviceRow {
  device: string;
  paid: string;
  billed: string;
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
  billed: bigint;
  /** Parts per million of the system owned. */
  ownershipPpm: number;
  creditS: number | undefined;
  unlocked: boolean;
  tokensWaiting: number;
  next: string;
}

export class Teller {
  private readonly registry: Registry;
  private readonly issuer: TokenIssuer;
  private readonly now: () => number;

  constructor(private readonly o: TellerOptions) {
    o.db.exec(SCHEMA);
    this.registry = new Registry(o.db);
    this.issuer = new TokenIssuer(o.db);
    this.now = o.now ?? Date.now;
  }

  /** The device a memo names: a registered id that starts with the memo (28 characters of 56 are unique enough). */
  private deviceOfMemo(memo: string): string | undefined {
    if (memo.length < 20 || !memo.startsWith("G")) return undefined;
    const hits = this.registry.list().filter((d) => d.id.startsWith(memo));
    return hits.length === 1 ? hits[0].id : undefined;
  }

  private device(id: string): DeviceRow {
    this.o.db.prepare("INSERT OR IGNORE INTO teller_devices (device) VALUES (?)").run(id);
    return this.o.db.prepare("SELECT * FROM teller_devices WHERE device = ?").get(id) as DeviceRow;
  }

  /** New payments to the project become tokens; tokens not yet seen applied go again. */
  async poll(): Promise<void> {
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
    const device = incoming ? this.deviceOfMemo(p.memo) : undefined;
    const seconds = secondsFor(t, p.amount);
    let notice: Notice | undefined;
    this.o.db.transaction(() => {
      metaSet(this.o.db, "teller_cursor", Buffer.from(p.id));
      if (!incoming) return;
      if (this.o.db.prepare("SELECT 1 FROM teller_payments WHERE id = ?").get(p.id) !== undefined) return;
      if (device === undefined || seconds < 1) {
        this.o.db.prepare("INSERT INTO teller_payments (id, device, amount, seconds, counter, at) VALUES (?, '', ?, 0, 0, ?)").run(p.id, p.amount.toString(), this.now());
        notice = { device: "", level: "warn", code: "unknown-payment", text: `payment of ${fromStroops(p.amount)} from ${p.from} (tx ${p.hash}) names no registered device in its memo "${p.memo}"; refund it or add credit by hand (solkit credit add)`, time: p.at };
        return;
      }
      const token = this.issuer.issue(device, TOKEN_ADD_CREDIT, seconds);
      this.o.db.prepare("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(p.id, device, p.amount.toString(), seconds, token.counter, Buffer.from(token.bytes), this.now());
      const d = this.device(device);
      this.o.db.prepare("UPDATE teller_devices SET paid = ?, stage = '' WHERE device = ?").run((BigInt(d.paid) + p.amount).toString(), device);
      notice = { device, level: "info", code: "payment", text: `paid ${fromStroops(p.amount)} (tx ${p.hash}): +${(seconds / 86400).toFixed(2)} days of supply, token ${token.counter}`, time: p.at };
    }).immediate();
    if (notice) this.say(notice);
    if (device !== undefined) this.checkOwnership(device);
  }

  /** Sends tokens not yet seen applied, again after retryMs (the same bytes: one counter, one effect). */
  private resend(): void {
    const now = this.now();
    const retry = this.o.retryMs ?? 60_000;
    const rows = this.o.db.prepare("SELECT * FROM teller_payments WHERE token IS NOT NULL AND confirmed_at IS NULL").all() as PaymentRow[];
    for (const r of rows) {
      if (r.delivered_at !== null && now - r.delivered_at < retry) continue;
      if (!this.o.deliver(r.device, new Uint8Array(r.token!))) continue; // no link now: next poll
      this.o.db.prepare("UPDATE teller_payments SET delivered_at = ? WHERE id = ?").run(now, r.id);
      this.o.logger.log("info", "teller", `device=${r.device} token ${r.counter} sent (${r.seconds === 0 ? "unlock" : `+${r.seconds} s`})`);
    }
  }

  /**
   * A verified reading: bills its energy, sees tokens arrive in its credit, and moves the
   * notices along as the credit runs down.
   */
  onReading(device: string, r: Reading): void {
    const d = this.device(device);
    const now = this.now();
    if (d.energy_last !== null && r.energyIn > d.energy_last) {
      const bill = energyBill(r.energyIn - d.energy_last, priceAt(this.o.tariff, r.time > 0 ? r.time : Math.floor(now / 1000)).pricePerKwh);
      this.o.db.prepare("UPDATE teller_devices SET billed = ? WHERE device = ?").run((BigInt(d.billed) + bill).toString(), device);
    }
    this.o.db.prepare("UPDATE teller_devices SET energy_last = ?, credit_last = ?, seen_at = ? WHERE device = ?").run(r.energyIn, r.credit, now, device);
    // A token counts as arrived once the credit shows it (less what ran since it was sent).
    const waiting = this.o.db.prepare("SELECT * FROM teller_payments WHERE device = ? AND token IS NOT NULL AND confirmed_at IS NULL AND delivered_at IS NOT NULL").all(device) as PaymentRow[];
    for (const w of waiting) {
      const ran = Math.floor((now - w.delivered_at!) / 1000);
      if (w.seconds === 0 || r.credit + ran + 120 >= w.seconds) this.o.db.prepare("UPDATE teller_payments SET confirmed_at = ? WHERE id = ?").run(now, w.id);
    }
    this.checkOwnership(device);
    this.lapse(device, r.credit);
  }

  private lapse(device: string, credit: number): void {
    const d = this.device(device);
    if (d.unlocked || BigInt(d.paid) === 0n) return; // a device nobody has paid for yet has nothing to run out of
    const noticeS = this.o.noticeS ?? 2 * 86400;
    const reminderS = this.o.reminderS ?? 6 * 3600;
    const stage = credit <= 0 ? "lapsed" : credit <= reminderS ? "reminder" : credit <= noticeS ? "low" : "";
    const order = ["", "low", "reminder", "lapsed"];
    if (order.indexOf(stage) <= order.indexOf(d.stage)) return; // each said once per run-down
    this.o.db.prepare("UPDATE teller_devices SET stage = ? WHERE device = ?").run(stage, device);
    const days = (credit / 86400).toFixed(1);
    const time = Math.floor(this.now() / 1000);
    if (stage === "low") this.say({ device, level: "warn", code: "credit-low", text: `credit runs out in ${days} days: pay the project account with the memo ${device.slice(0, 28)}`, time });
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
      this.o.db.prepare("INSERT INTO teller_payments (id, device, amount, seconds, counter, token, at) VALUES (?, ?, '0', 0, ?, ?, ?)")
        .run(`unlock:${device}`, device, token.counter, Buffer.from(token.bytes), this.now());
      this.o.db.prepare("UPDATE teller_devices SET unlocked = 1 WHERE device = ?").run(device);
    }).immediate();
    this.say({ device, level: "info", code: "unlocked", text: "the system is paid off: unlocked for good, no more payments needed", time: Math.floor(this.now() / 1000) });
    this.resend();
  }

  private say(n: Notice): void {
    this.o.logger.log(n.level, "notice", `${n.device ? `device=${n.device} ` : ""}${n.code}: ${n.text}`);
    this.o.notice(n);
  }

  /** Every device the teller knows, with what a person would ask about it. */
  status(): TellerStatus[] {
    const rows = this.o.db.prepare("SELECT * FROM teller_devices ORDER BY device").all() as DeviceRow[];
    return rows.map((d) => {
      const paid = BigInt(d.paid);
      const billed = BigInt(d.billed);
      const extra = paid - billed;
      const ppm = this.o.systemValue > 0n && extra > 0n ? Number((extra * 1_000_000n) / this.o.systemValue) : 0;
      const waiting = (this.o.db.prepare("SELECT COUNT(*) AS n FROM teller_payments WHERE device = ? AND token IS NOT NULL AND confirmed_at IS NULL").get(d.device) as { n: number }).n;
      const credit = d.credit_last ?? undefined;
      const next = d.unlocked ? "none: unlocked for good" : waiting > 0 ? `deliver ${waiting} token(s)` : credit === undefined ? "wait for a reading" : credit <= 0 ? "wait for a payment (relay open)" : `a payment within ${(credit / 86400).toFixed(1)} days`;
      return { device: d.device, paid, billed, ownershipPpm: Math.min(ppm, 1_000_000), creditS: credit, unlocked: d.unlocked === 1, tokensWaiting: waiting, next };
    });
  }
}
