/**
 * Postpaid autopay (issue 12, as Opensolar's teller): when a period closes, the teller pays the
 * bill plus the agreed ownership instalment from the customer's account to the project's, with
 * a memo hash naming network, project, device and period. The customer's secret key comes from
 * the keystore (keystore.ts: encrypted, passphrase from the environment) and never leaves this
 * process. The money is booked when the payment shows on the project's account (Teller.take),
 * the one place all payments are booked, so an autopay is never counted twice.
 *
 * Crash safety (submit-once.ts): the ledger is asked for a payment with the bill's memo before
 * an envelope is built; a built envelope is stored before it is sent and sent again as it is.
 * Funds are checked first, so a customer short of money is told at once and no fee is burnt on
 * a transaction that would fail.
 */
import { createHash } from "node:crypto";
import { Asset, Memo, Operation, type Keypair } from "@stellar/stellar-base";
import type { Db } from "../gateway/store-sqlite";
import type { Logger } from "../gateway/log";
import { assetKey, fromStroops, type AssetId, type Ledger } from "../ledger/ledger";
import type { BillRow } from "./billing";
import { buildEnvelope, envelopeSpent, submitOnce, type Envelope } from "./submit-once";

/** The memo hash of a bill's autopay: anyone can recompute it from the names. */
export function payMemo(network: string, project: string, device: string, period: string): string {
  return createHash("sha256").update(`solkit/v1/pay\0${network}\0${project}\0${device}\0${period}`).digest("hex");
}

export interface AutopayOptions {
  db: Db;
  ledger: Ledger;
  project: string;
  asset: AssetId;
  /** The customer's key for a device on autopay (from the keystore); undefined: pays by hand. */
  payerOf(device: string): Keypair | undefined;
  logger: Logger;
  /** Once per bill that cannot be paid now: why, and what the customer can do. */
  failed(device: string, bill: BillRow, why: string): void;
}

/** Lumens an account must keep: the reserve for itself and its subentries, plus this fee. */
function spendable(a: { balances: { asset: AssetId; balance: bigint }[]; subentries: number }, asset: AssetId, feeStroops: bigint): bigint {
  const b = a.balances.find((x) => assetKey(x.asset) === assetKey(asset))?.balance ?? 0n;
  return asset === "native" ? b - (2n + BigInt(a.subentries)) * 5_000_000n - feeStroops : b;
}

export class Autopay {
  constructor(private readonly o: AutopayOptions) {}

  /** Pays each bill due or owed, oldest first; stops a device's turn at its first bill it cannot pay. */
  async run(nowS: number): Promise<void> {
    const rows = this.o.db.prepare("SELECT * FROM teller_bills WHERE pay_state IN ('due', 'owed', 'submitted') ORDER BY to_s, device").all() as BillRow[];
    const stopped = new Set<string>();
    for (const b of rows) {
      if (stopped.has(b.device)) continue;
      if (!(await this.pay(b, nowS))) stopped.add(b.device);
    }
  }

  private set(b: BillRow, fields: Partial<BillRow>): void {
    const keys = Object.keys(fields);
    this.o.db.prepare(`UPDATE teller_bills SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE device = @device AND period = @period`).run({ ...fields, device: b.device, period: b.period });
  }

  /** One bill; true when it is paid or on its way. */
  private async pay(b: BillRow, nowS: number): Promise<boolean> {
    if (b.pay_state === "submitted") return true; // booked when it shows on the project's account
    const memo = b.pay_memo!;
    const seen = (await this.o.ledger.findPaymentsByMemo(memo, this.o.project)).some((p) => p.to === this.o.project && assetKey(p.asset) === assetKey(this.o.asset));
    if (seen) {
      this.set(b, { pay_state: "submitted" });
      return true;
    }
    const payer = this.o.payerOf(b.device);
    if (payer === undefined) return this.owe(b, `no autopay key for this device: pay ${fromStroops(BigInt(b.due))} to ${this.o.project} with the memo ${b.device.slice(0, 28)}`);
    let env: Envelope | undefined = b.pay_env ? { xdr: b.pay_env, hash: b.pay_hash! } : undefined;
    if (env === undefined) {
      const a = await this.o.ledger.account(payer.publicKey());
      const due = BigInt(b.due);
      if (a === undefined) return this.owe(b, `the customer's account ${payer.publicKey()} does not exist`);
      if (spendable(a, this.o.asset, 100n) < due) return this.owe(b, `the customer's account ${payer.publicKey()} holds less than the ${fromStroops(due)} due`);
      const asset = this.o.asset === "native" ? Asset.native() : new Asset(this.o.asset.code, this.o.asset.issuer);
      env = await buildEnvelope(this.o.ledger, payer, [Operation.payment({ destination: this.o.project, asset, amount: fromStroops(due) })], Memo.hash(memo), nowS);
      this.set(b, { pay_env: env.xdr, pay_hash: env.hash }); // before it is sent
    }
    const r = await submitOnce(this.o.ledger, env);
    if (r.successful) {
      this.set(b, { pay_state: "submitted" });
      this.o.logger.log("info", "teller", `device=${b.device} period ${b.period}: autopay ${fromStroops(BigInt(b.due))} submitted, tx ${r.hash}`);
      return true;
    }
    if (await envelopeSpent(this.o.ledger, env, r)) this.set(b, { pay_env: null, pay_hash: null });
    return this.owe(b, `the payment was refused: ${r.transaction}${r.operations.length ? ` (${r.operations.join(", ")})` : ""}`);
  }

  private owe(b: BillRow, why: string): boolean {
    if (b.pay_state !== "owed") {
      this.set(b, { pay_state: "owed" });
      this.o.failed(b.device, b, why);
    }
    return false;
  }
}
