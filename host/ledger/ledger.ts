/**
 * The ledger the teller pays on (issue 12): accounts, balances, signed transaction envelopes,
 * payments found by memo or id. Two implementations behind one interface, chosen by
 * configuration: the local ledger (local-ledger.ts, the embedded default, checks envelopes as
 * stellar-core would for the operations solkit uses) and Horizon (testnet or public network).
 * Amounts are stroops (1 XLM or 1 unit of an issued asset = 10,000,000 stroops) as BigInt.
 */

/** Stellar's native asset, or an issued one (code 1-12 characters, issuer G…). */
export type AssetId = "native" | { code: string; issuer: string };

export interface Balance {
  asset: AssetId;
  /** Stroops. */
  balance: bigint;
  /** Stroops; the trustline's limit (undefined for native). */
  limit?: bigint;
}

export interface AccountInfo {
  id: string;
  /** The account's sequence number; the next transaction uses this + 1. */
  sequence: bigint;
  balances: Balance[];
  /** Trustlines, data entries and extra signers: each raises the reserve. */
  subentries: number;
  thresholds: { low: number; med: number; high: number };
  signers: { key: string; weight: number }[];
  data: Record<string, string>;
}

/** Stellar's own result of one submission (Horizon's `result_codes`). */
export interface SubmitResult {
  /** Hex SHA-256 of the transaction (network passphrase included), as Horizon shows it. */
  hash: string;
  successful: boolean;
  /** "tx_success", "tx_failed", "tx_bad_seq", "tx_bad_auth", … */
  transaction: string;
  /** Per operation: "op_success", "op_underfunded", "op_no_trust", … (empty when the tx failed before its operations). */
  operations: string[];
  /** The ledger it was applied in (also when tx_failed: fee and sequence are consumed). */
  ledger?: number;
  feeCharged: bigint;
}

/** A transaction as the ledger keeps it: its result, source, memo and when it closed. */
export interface TxRecord extends SubmitResult {
  source: string;
  memo: string;
  memoType: Payment["memoType"];
  /** Unix seconds of the ledger's close. */
  at: number;
}

/** A payment as history keeps it. */
export interface Payment {
  /** "<tx hash>-<op index>" */
  id: string;
  /** Horizon's type: a payment, or the create_account that funded a new account. */
  type: "payment" | "create_account";
  hash: string;
  from: string;
  to: string;
  asset: AssetId;
  amount: bigint;
  /** The transaction's memo: text as text, hash and return as hex, id as decimal; "" when none. */
  memo: string;
  memoType: "none" | "text" | "id" | "hash" | "return";
  ledger: number;
  /** Unix seconds of the ledger's close. */
  at: number;
}

export interface Ledger {
  readonly networkPassphrase: string;
  account(id: string): Promise<AccountInfo | undefined>;
  /** Submits a signed envelope (base64 XDR); resolves with Stellar's result, refusals included. */
  submit(envelopeXdr: string): Promise<SubmitResult>;
  /** Payments to or from `account`, oldest first, after the cursor (a payment id) when given. */
  payments(account: string, after?: string): Promise<Payment[]>;
  /** The payment(s) to or from `account` whose transaction carries this memo (text, hex hash or id). */
  findPaymentsByMemo(memo: string, account: string): Promise<Payment[]>;
  /** A transaction by hash, if the ledger has it (applied, successful or not). */
  transaction(hash: string): Promise<TxRecord | undefined>;
}

/** Stroops from Stellar's decimal amount text ("10.5000000"). */
export function toStroops(amount: string): bigint {
  const [whole, frac = ""] = amount.split(".");
  return BigInt(whole) * 10_000_000n + BigInt((frac + "0000000").slice(0, 7));
}

/** Stellar's decimal amount text from stroops. */
export function fromStroops(stroops: bigint): string {
  const neg = stroops < 0n;
  const v = neg ? -stroops : stroops;
  return `${neg ? "-" : ""}${v / 10_000_000n}.${(v % 10_000_000n).toString().padStart(7, "0")}`;
}

export function assetKey(a: AssetId): string {
  return a === "native" ? "native" : `${a.code}:${a.issuer}`;
}
