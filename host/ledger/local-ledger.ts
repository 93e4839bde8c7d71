/**
 * The local ledger (issue 12): the embedded default the teller pays on when there is no
 * network. It takes real Stellar transaction envelopes, built and signed with
 * @stellar/stellar-base, and checks them as stellar-core does for the operations solkit uses
 * (apply.ts); every submission closes one ledger. Its root account — Stellar's own rule,
 * Keypair.master(networkPassphrase) — holds 100 billion XLM and funds new accounts, like a
 * network's friendbot. A resubmitted envelope that was applied returns its stored result
 * (same hash), never a second application: what the teller's crash safety relies on.
 */
import { Keypair, Operation, TransactionBuilder, Transaction, Account, Asset, Memo } from "@stellar/stellar-base";
import { applyTransaction, memoOf } from "./apply";
import { assetKey, fromStroops, toStroops, type AccountInfo, type AssetId, type Ledger, type Payment, type SubmitResult, type TxRecord } from "./ledger";
import { openLedgerDb, type AccountRow, type LedgerDb } from "./local-store";

export interface LocalLedgerOptions {
  networkPassphrase?: string;
  /** Stroops per operation (Stellar: 100). */
  baseFee?: bigint;
  /** Stroops per reserve unit (Stellar: 0.5 XLM). */
  baseReserve?: bigint;
  /** Unix seconds now (tests pass a virtual clock). */
  now?: () => number;
}

/** The local ledger's network: its own passphrase, so its envelopes are worthless elsewhere. */
export const LOCAL_NETWORK = "solkit local ledger ; 2026";
const ROOT_BALANCE = 100_000_000_000n * 10_000_000n;

export class LocalLedger implements Ledger {
  readonly networkPassphrase: string;
  private readonly db: LedgerDb;
  private readonly baseFee: bigint;
  private readonly baseReserve: bigint;
  private readonly now: () => number;

  constructor(file: string, o: LocalLedgerOptions = {}) {
    this.networkPassphrase = o.networkPassphrase ?? LOCAL_NETWORK;
    this.baseFee = o.baseFee ?? 100n;
    this.baseReserve = o.baseReserve ?? 5_000_000n;
    this.now = o.now ?? (() => Math.floor(Date.now() / 1000));
    this.db = openLedgerDb(file);
    const net = this.db.prepare("SELECT value FROM meta WHERE key = 'network'").get() as { value: string } | undefined;
    if (net === undefined) {
      this.db.transaction(() => {
        this.db.prepare("INSERT INTO meta (key, value) VALUES ('network', ?), ('ledger', '1')").run(this.networkPassphrase);
        this.db.prepare("INSERT INTO accounts (id, balance, seq) VALUES (?, ?, 0)").run(this.root().publicKey(), ROOT_BALANCE);
      })();
    } else if (net.value !== this.networkPassphrase) {
      throw new Error(`${file} is a ledger of the network "${net.value}", not "${this.networkPassphrase}"`);
    }
  }

  /** The root account's keys (Stellar: the network's master key), which funds new accounts. */
  root(): Keypair {
    return Keypair.master(this.networkPassphrase);
  }

  close(): void {
    this.db.close();
  }

  private ledgerSeq(): number {
    return Number((this.db.prepare("SELECT value FROM meta WHERE key = 'ledger'").get() as { value: string }).value);
  }

  async account(id: string): Promise<AccountInfo | undefined> {
    return this.accountNow(id);
  }

  accountNow(id: string): AccountInfo | undefined {
    const a = this.db.prepare("SELECT * FROM accounts WHERE id = ?").get(id) as AccountRow | undefined;
    if (a === undefined) return undefined;
    const lines = this.db.prepare("SELECT asset, balance, lim FROM trustlines WHERE account = ? ORDER BY asset").all(id) as { asset: string; balance: bigint; lim: bigint }[];
    const signers = this.db.prepare("SELECT key, weight FROM signers WHERE account = ? ORDER BY key").all(id) as { key: string; weight: bigint }[];
    const data = this.db.prepare("SELECT name, value FROM data WHERE account = ? ORDER BY name").all(id) as { name: string; value: Buffer }[];
    return {
      id,
      sequence: a.seq,
      balances: [{ asset: "native", balance: a.balance }, ...lines.map((l) => ({ asset: parseAsset(l.asset), balance: l.balance, limit: l.lim }))],
      subentries: Number(a.subentries),
      thresholds: { low: Number(a.low), med: Number(a.med), high: Number(a.high) },
      signers: [...(a.master_weight > 0n ? [{ key: id, weight: Number(a.master_weight) }] : []), ...signers.map((s) => ({ key: s.key, weight: Number(s.weight) }))],
      data: Object.fromEntries(data.map((d) => [d.name, d.value.toString("base64")])),
    };
  }

  async submit(envelopeXdr: string): Promise<SubmitResult> {
    return this.submitNow(envelopeXdr);
  }

  /** submit, synchronously: the check and the application are one SQLite transaction. */
  submitNow(envelopeXdr: string): SubmitResult {
    let tx: Transaction;
    try {
      const parsed = TransactionBuilder.fromXDR(envelopeXdr, this.networkPassphrase);
      if (!(parsed instanceof Transaction)) return { hash: "", successful: false, transaction: "tx_not_supported", operations: [], feeCharged: 0n };
      tx = parsed;
    } catch {
      return { hash: "", successful: false, transaction: "tx_malformed", operations: [], feeCharged: 0n };
    }
    const hash = tx.hash().toString("hex");
    return this.db.transaction((): SubmitResult => {
      const known = this.transactionNow(hash);
      if (known !== undefined) return known; // the same envelope again: its result, never a second application
      const ledger = this.ledgerSeq() + 1;
      const now = this.now();
      const r = applyTransaction({ db: this.db, ledger, now, baseFee: this.baseFee, baseReserve: this.baseReserve }, tx);
      if (r.ledger === undefined) return r; // refused before it counted: nothing recorded, nothing spent
      this.db.prepare("UPDATE meta SET value = ? WHERE key = 'ledger'").run(String(ledger));
      const { memo, type: memoType } = memoOf(tx);
      this.db.prepare("INSERT INTO txs (hash, ledger, at, source, envelope, successful, result, fee, memo, memo_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(hash, BigInt(ledger), BigInt(now), tx.source, envelopeXdr, r.successful ? 1n : 0n, JSON.stringify({ transaction: r.transaction, operations: r.operations }), r.feeCharged, memo, memoType);
      return r;
    })();
  }

  async transaction(hash: string): Promise<TxRecord | undefined> {
    return this.transactionNow(hash);
  }

  transactionNow(hash: string): TxRecord | undefined {
    const t = this.db.prepare("SELECT * FROM txs WHERE hash = ?").get(hash) as { hash: string; ledger: bigint; at: bigint; source: string; successful: bigint; result: string; fee: bigint; memo: string; memo_type: string } | undefined;
    if (t === undefined) return undefined;
    const res = JSON.parse(t.result) as { transaction: string; operations: string[] };
    return {
      hash: t.hash, successful: t.successful === 1n, transaction: res.transaction, operations: res.operations, ledger: Number(t.ledger), feeCharged: t.fee,
      source: t.source, memo: t.memo, memoType: t.memo_type as TxRecord["memoType"], at: Number(t.at),
    };
  }

  async payments(account: string, after?: string): Promise<Payment[]> {
    const rows = this.db.prepare("SELECT p.*, (SELECT rowid FROM payments WHERE id = ?) AS cursor, p.rowid AS rid FROM payments p WHERE (p.source = ? OR p.destination = ?) ORDER BY p.rowid").all(after ?? "", account, account) as (PaymentRow & { cursor: bigint | null; rid: bigint })[];
    return rows.filter((r) => r.cursor === null || r.rid > r.cursor).map(toPayment);
  }

  async findPaymentsByMemo(memo: string, account: string): Promise<Payment[]> {
    return (this.db.prepare("SELECT * FROM payments WHERE memo = ? AND (source = ? OR destination = ?) ORDER BY rowid").all(memo, account, account) as PaymentRow[]).map(toPayment);
  }

  // ---- helpers for `solkit ledger` and tests: each builds, signs and submits a real envelope ----

  private async build(source: Keypair, ops: ReturnType<typeof Operation.payment>[], memo?: Memo, signers: Keypair[] = [source]): Promise<SubmitResult> {
    const a = this.accountNow(source.publicKey());
    if (a === undefined) return { hash: "", successful: false, transaction: "tx_no_source_account", operations: [], feeCharged: 0n };
    const b = new TransactionBuilder(new Account(a.id, a.sequence.toString()), { fee: this.baseFee.toString(), networkPassphrase: this.networkPassphrase });
    for (const op of ops) b.addOperation(op);
    if (memo) b.addMemo(memo);
    const tx = b.setTimebounds(0, this.now() + 300).build(); // the ledger's clock, which tests may set
    for (const k of signers) tx.sign(k);
    return this.submitNow(tx.toEnvelope().toXDR("base64"));
  }

  /** A new account funded by the root with `xlm` lumens. */
  fund(destination: string, xlm: string): Promise<SubmitResult> {
    return this.build(this.root(), [Operation.createAccount({ destination, startingBalance: xlm })]);
  }

  trust(account: Keypair, asset: { code: string; issuer: string }, limit?: string): Promise<SubmitResult> {
    return this.build(account, [Operation.changeTrust({ asset: new Asset(asset.code, asset.issuer), limit })]);
  }

  pay(from: Keypair, to: string, asset: AssetId, amount: string, memo?: Memo): Promise<SubmitResult> {
    const a = asset === "native" ? Asset.native() : new Asset(asset.code, asset.issuer);
    return this.build(from, [Operation.payment({ destination: to, asset: a, amount })], memo);
  }

  /** Balance of `asset` on `account` in stroops (0 when no account or trustline). */
  balanceOf(account: string, asset: AssetId): bigint {
    const a = this.accountNow(account);
    const b = a?.balances.find((x) => assetKey(x.asset) === assetKey(asset));
    return b?.balance ?? 0n;
  }
}

interface PaymentRow {
  id: string;
  hash: string;
  ledger: bigint;
  at: bigint;
  source: string;
  destination: string;
  asset: string;
  amount: bigint;
  memo: string;
  memo_type: string;
  type: string;
}

function parseAsset(key: string): AssetId {
  if (key === "native") return "native";
  const [code, issuer] = key.split(":");
  return { code, issuer };
}

function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id, type: r.type === "create_account" ? "create_account" : "payment", hash: r.hash, from: r.source, to: r.destination, asset: parseAsset(r.asset), amount: r.amount,
    memo: r.memo, memoType: r.memo_type as Payment["memoType"], ledger: Number(r.ledger), at: Number(r.at),
  };
}

export { fromStroops, toStroops };
