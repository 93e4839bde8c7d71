/**
 * The ledger on a real Stellar network through Horizon (issue 12), with @stellar/stellar-sdk.
 *
 * Submission is where a network can hurt: a 504 from Horizon means "not known yet", not "no",
 * so the same signed envelope (same hash) is what goes again — first asking Horizon whether the
 * hash has meanwhile been applied — with backoff on 5xx, timeouts and dropped connections, and
 * the server's Retry-After on 429. Refusals come back as Stellar's own result codes; the
 * teller decides what a refusal means (submit-once.ts). Nothing here ever signs or rebuilds.
 * Horizon has no search by memo, so findPaymentsByMemo reads the account's recent payments.
 */
import { Horizon } from "@stellar/stellar-sdk";
import { TransactionBuilder, xdr } from "@stellar/stellar-base";
import { toStroops, type AccountInfo, type AssetId, type Ledger, type Payment, type SubmitResult, type TxRecord } from "./ledger";

export interface HorizonOptions {
  url: string;
  networkPassphrase: string;
  /** Submission attempts before giving up for this round (the caller keeps the envelope). */
  attempts?: number;
  /** First backoff in ms (doubles each time). */
  backoffMs?: number;
  /** Pages of payments findPaymentsByMemo reads, newest first (200 each). */
  memoPages?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface HttpFailure {
  status?: number;
  data?: { extras?: { result_codes?: { transaction?: string; operations?: string[] } } } & Record<string, unknown>;
  retryAfterS?: number;
}

/** What an SDK error says about the HTTP exchange (status, body, Retry-After); none for a dropped connection. */
function failureOf(e: unknown): HttpFailure {
  const r = (e as { response?: { status?: number; data?: unknown; headers?: Record<string, string> } }).response;
  if (r === undefined) return {};
  // BadResponseError keeps the body as .response; axios errors keep {status, data, headers}.
  const data = (r.data ?? r) as HttpFailure["data"];
  const status = r.status ?? (typeof data?.status === "number" ? (data.status as number) : undefined);
  const ra = r.headers?.["retry-after"];
  return { status, data, retryAfterS: ra !== undefined && /^\d+$/.test(String(ra)) ? Number(ra) : undefined };
}

function assetOf(type: string, code?: string, issuer?: string): AssetId {
  return type === "native" ? "native" : { code: code!, issuer: issuer! };
}

/** Horizon gives a hash memo in base64; the Ledger interface uses hex, as the local ledger. */
function memoText(type: string | undefined, memo: string | undefined): { memo: string; memoType: Payment["memoType"] } {
  const t = (type ?? "none") as Payment["memoType"];
  if (t === "hash" || t === "return") return { memo: Buffer.from(memo ?? "", "base64").toString("hex"), memoType: t };
  return { memo: memo ?? "", memoType: t };
}

/** "txFailed" → "tx_failed", as Horizon's result codes spell them. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** "paymentUnderfunded" → "op_underfunded", "createAccountLowReserve" → "op_low_reserve", as Horizon names them. */
function opCode(name: string): string {
  return snake(name.replace(/^(payment|createAccount|changeTrust|manageData|setOptions|accountMerge|bumpSequence|pathPaymentStrict(Receive|Send)|manage(Sell|Buy)Offer)/, "op"));
}

export class HorizonLedger implements Ledger {
  readonly networkPassphrase: string;
  private readonly server: Horizon.Server;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: HorizonOptions) {
    this.networkPassphrase = o.networkPassphrase;
    const local = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(o.url);
    this.server = new Horizon.Server(o.url, { allowHttp: local });
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async account(id: string): Promise<AccountInfo | undefined> {
    let a;
    try {
      a = await this.server.loadAccount(id);
    } catch (e) {
      if (failureOf(e).status === 404) return undefined;
      throw e;
    }
    return {
      id,
      sequence: BigInt(a.sequence),
      balances: a.balances.map((b) => {
        const x = b as { asset_type: string; asset_code?: string; asset_issuer?: string; balance: string; limit?: string };
        return { asset: assetOf(x.asset_type, x.asset_code, x.asset_issuer), balance: toStroops(x.balance), limit: x.limit === undefined ? undefined : toStroops(x.limit) };
      }),
      subentries: a.subentry_count,
      thresholds: { low: a.thresholds.low_threshold, med: a.thresholds.med_threshold, high: a.thresholds.high_threshold },
      signers: a.signers.map((s) => ({ key: s.key, weight: s.weight })),
      data: { ...((a as unknown as { data_attr?: Record<string, string> }).data_attr ?? {}) },
    };
  }

  /**
   * Submits, retrying the same envelope on 5xx, timeouts and rate limits.
   * @throws Error when every attempt failed without an answer (the envelope may still apply: keep it)
   */
  async submit(envelopeXdr: string): Promise<SubmitResult> {
    const tx = TransactionBuilder.fromXDR(envelopeXdr, this.networkPassphrase);
    const hash = tx.hash().toString("hex");
    const attempts = this.o.attempts ?? 5;
    let wait = this.o.backoffMs ?? 1000;
    let last = "";
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        const known = await this.transaction(hash).catch(() => undefined); // a 504 may have applied it meanwhile
        if (known !== undefined) return known;
      }
      try {
        const r = await this.server.submitTransaction(tx, { skipMemoRequiredCheck: true });
        const ops = (tx as { operations?: unknown[] }).operations?.length ?? 0;
        return { hash: r.hash, successful: true, transaction: "tx_success", operations: new Array(ops).fill("op_success"), ledger: r.ledger, feeCharged: BigInt((r as { fee_charged?: string | number }).fee_charged ?? 0) };
      } catch (e) {
        const f = failureOf(e);
        const codes = f.data?.extras?.result_codes;
        if (f.status === 400 && codes?.transaction) {
          return { hash, successful: false, transaction: codes.transaction, operations: codes.operations ?? [], feeCharged: 0n };
        }
        if (f.status !== undefined && f.status < 500 && f.status !== 429) throw new Error(`Horizon refused the submission: HTTP ${f.status} ${JSON.stringify(f.data).slice(0, 200)}`);
        last = f.status === undefined ? (e as Error).message : `HTTP ${f.status}`;
        await this.sleep(f.retryAfterS !== undefined ? f.retryAfterS * 1000 : wait);
        wait *= 2;
      }
    }
    throw new Error(`Horizon did not answer the submission of ${hash} after ${attempts} attempts (${last}); the same envelope goes again next time`);
  }

  async transaction(hash: string): Promise<TxRecord | undefined> {
    let t;
    try {
      t = await this.server.transactions().transaction(hash).call();
    } catch (e) {
      if (failureOf(e).status === 404) return undefined;
      throw e;
    }
    let transaction = t.successful ? "tx_success" : "tx_failed";
    let operations: string[] = [];
    try {
      const res = xdr.TransactionResult.fromXDR(t.result_xdr, "base64").result();
      transaction = snake(res.switch().name);
      const results = transaction === "tx_success" || transaction === "tx_failed" ? (res.value() as xdr.OperationResult[]) : [];
      operations = results.map((o) => (o.switch().name === "opInner" ? opCode((o.value() as xdr.OperationResultTr).value().switch().name) : snake(o.switch().name)));
    } catch {
      // keep the summary: successful or not
    }
    return {
      hash: t.hash, successful: t.successful, transaction, operations, ledger: typeof t.ledger_attr === "number" ? t.ledger_attr : (t as unknown as { ledger: number }).ledger, feeCharged: BigInt(t.fee_charged),
      source: t.source_account, ...memoText(t.memo_type, t.memo), at: Math.floor(Date.parse(t.created_at) / 1000),
    };
  }

  async payments(account: string, after?: string): Promise<Payment[]> {
    const out: Payment[] = [];
    let page = await this.server.payments().forAccount(account).cursor(after ?? "0").order("asc").limit(200).join("transactions").call();
    for (;;) {
      for (const r of page.records) {
        const p = this.toPayment(r as unknown as Record<string, unknown>);
        if (p) out.push(p);
      }
      if (page.records.length < 200) return out;
      page = await page.next();
    }
  }

  async findPaymentsByMemo(memo: string, account: string): Promise<Payment[]> {
    const out: Payment[] = [];
    let page = await this.server.payments().forAccount(account).order("desc").limit(200).join("transactions").call();
    for (let i = 0; i < (this.o.memoPages ?? 5); i++) {
      for (const r of page.records) {
        const p = this.toPayment(r as unknown as Record<string, unknown>);
        if (p && p.memo === memo) out.push(p);
      }
      if (page.records.length < 200) break;
      page = await page.next();
    }
    return out.reverse();
  }

  private toPayment(r: Record<string, unknown>): Payment | undefined {
    if (r.transaction_successful === false) return undefined;
    const tx = (r.transaction_attr ?? {}) as { memo?: string; memo_type?: string; ledger?: number };
    const base = { id: String(r.paging_token), hash: String(r.transaction_hash), ledger: tx.ledger ?? 0, at: Math.floor(Date.parse(String(r.created_at)) / 1000), ...memoText(tx.memo_type, tx.memo) };
    if (r.type === "payment") {
      return { ...base, type: "payment", from: String(r.from), to: String(r.to), asset: assetOf(String(r.asset_type), r.asset_code as string, r.asset_issuer as string), amount: toStroops(String(r.amount)) };
    }
    if (r.type === "create_account") {
      return { ...base, type: "create_account", from: String(r.funder), to: String(r.account), asset: "native", amount: toStroops(String(r.starting_balance)) };
    }
    return undefined; // path payments, account merges…: not what the teller books
  }

  close(): void {}
}
