/**
 * One transaction through the checks stellar-core makes, for the operations solkit uses
 * (create account, payment in the native or an issued asset, change trust, manage data, set
 * options for signers and thresholds), then applied. Refusals carry Stellar's result codes.
 *
 * Order, as stellar-core's TransactionFrame: validity first (source account, time bounds, fee,
 * sequence, signatures at the low threshold, fee payable) — a refusal here consumes nothing;
 * then fee and sequence are charged, and the operations run all-or-nothing: one failed
 * operation rolls the others back and the result is tx_failed with each operation's code,
 * the fee and sequence number staying spent. Unused signatures are tx_bad_auth_extra.
 *
 * Not modelled (solkit does not use them): offers and liabilities, path payments, claimable
 * balances, sponsorship, authorization flags, muxed accounts, Soroban, fee-bump envelopes.
 */
import { Keypair, Transaction, type Operation } from "@stellar/stellar-base";
import { assetKey, toStroops, type AssetId, type SubmitResult } from "./ledger";
import type { AccountRow, LedgerDb } from "./local-store";

export interface ApplyContext {
  db: LedgerDb;
  ledger: number;
  /** Unix seconds of this ledger. */
  now: number;
  baseFee: bigint;
  baseReserve: bigint;
}

/** An operation refused with its code; rolls back the operations of its transaction. */
class OpFailure extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const LOW = 0;
const MED = 1;
const HIGH = 2;

function row(db: LedgerDb, id: string): AccountRow | undefined {
  return db.prepare("SELECT * FROM accounts WHERE id = ?").get(id) as AccountRow | undefined;
}

function minBalance(c: ApplyContext, a: AccountRow, extraSubentries = 0n): bigint {
  return (2n + a.subentries + extraSubentries) * c.baseReserve;
}

/** Signer keys and weights of an account: the master key (unless weight 0) and its extra signers. */
function signersOf(db: LedgerDb, a: AccountRow): { key: string; weight: number }[] {
  const extra = db.prepare("SELECT key, weight FROM signers WHERE account = ?").all(a.id) as { key: string; weight: bigint }[];
  const list = extra.map((s) => ({ key: s.key, weight: Number(s.weight) }));
  if (a.master_weight > 0n) list.push({ key: a.id, weight: Number(a.master_weight) });
  return list;
}

function threshold(a: AccountRow, level: number): number {
  return Number(level === LOW ? a.low : level === MED ? a.med : a.high);
}

/** Tracks which signatures of the envelope verified, and for which keys (used to find extras). */
class SignatureChecker {
  private readonly used = new Set<number>();
  private readonly valid = new Map<string, number[]>();

  constructor(private readonly tx: Transaction) {}

  private sigsOf(key: string): number[] {
    let hit = this.valid.get(key);
    if (hit !== undefined) return hit;
    hit = [];
    const kp = Keypair.fromPublicKey(key);
    const hint = kp.signatureHint();
    const hash = this.tx.hash();
    this.tx.signatures.forEach((s, i) => {
      if (Buffer.compare(s.hint(), hint) === 0 && kp.verify(hash, s.signature())) hit!.push(i);
    });
    this.valid.set(key, hit);
    return hit;
  }

  /** stellar-core's checkSignature: at least one matching signature and their weight ≥ the threshold. */
  check(db: LedgerDb, a: AccountRow, level: number): boolean {
    const needed = threshold(a, level);
    let weight = 0;
    let matched = false;
    for (const s of signersOf(db, a)) {
      const sigs = this.sigsOf(s.key);
      if (sigs.length === 0) continue;
      sigs.forEach((i) => this.used.add(i));
      matched = true;
      weight += s.weight;
      if (weight >= needed) break;
    }
    return matched && weight >= needed;
  }

  allUsed(): boolean {
    return this.used.size === this.tx.signatures.length;
  }
}

function assetOf(a: { isNative(): boolean; getCode(): string; getIssuer(): string }): AssetId {
  return a.isNative() ? "native" : { code: a.getCode(), issuer: a.getIssuer() };
}

/** The threshold level an operation needs from its source account. */
function levelOf(op: Operation): number {
  if (op.type === "setOptions") {
    const o = op as Operation.SetOptions;
    const touchesAuth = o.signer !== undefined || o.masterWeight !== undefined || o.lowThreshold !== undefined || o.medThreshold !== undefined || o.highThreshold !== undefined;
    return touchesAuth ? HIGH : MED;
  }
  return MED;
}

function refuse(hash: string, code: string): SubmitResult {
  return { hash, successful: false, transaction: code, operations: [], feeCharged: 0n };
}

/** Checks and applies `tx` inside the caller's database transaction. Never throws for a refusal. */
export function applyTransaction(c: ApplyContext, tx: Transaction): SubmitResult {
  const db = c.db;
  const hash = tx.hash().toString("hex");
  const source = row(db, tx.source);
  if (source === undefined) return refuse(hash, "tx_no_source_account");
  if (tx.operations.length === 0) return refuse(hash, "tx_missing_operation");
  const tb = tx.timeBounds;
  if (tb !== undefined) {
    if (BigInt(tb.minTime) > BigInt(c.now)) return refuse(hash, "tx_too_early");
    if (tb.maxTime !== "0" && BigInt(tb.maxTime) < BigInt(c.now)) return refuse(hash, "tx_too_late");
  }
  // The envelope's fee is a bid; without surge pricing a ledger charges its base fee per operation.
  const fee = c.baseFee * BigInt(tx.operations.length);
  if (BigInt(tx.fee) < fee) return refuse(hash, "tx_insufficient_fee");
  if (BigInt(tx.sequence) !== source.seq + 1n) return refuse(hash, "tx_bad_seq");
  const sigs = new SignatureChecker(tx);
  if (!sigs.check(db, source, LOW)) return refuse(hash, "tx_bad_auth");
  // Every operation's source must exist and have signed at its level (op_bad_auth otherwise);
  // checked before the fee is charged, as core's checkValid does.
  const opSources: AccountRow[] = [];
  for (const op of tx.operations) {
    const src = op.source === undefined ? source : row(db, op.source);
    if (src === undefined) return { ...refuse(hash, "tx_failed"), operations: tx.operations.map((o) => (o === op ? "op_no_source_account" : "op_success")) };
    if (!sigs.check(db, src, levelOf(op))) return { ...refuse(hash, "tx_failed"), operations: tx.operations.map((o) => (o === op ? "op_bad_auth" : "op_success")) };
    opSources.push(src);
  }
  if (!sigs.allUsed()) return refuse(hash, "tx_bad_auth_extra");
  if (source.balance - fee < minBalance(c, source)) return refuse(hash, "tx_insufficient_balance");

  // Valid: fee and sequence are spent whatever the operations do.
  db.prepare("UPDATE accounts SET balance = balance - ?, seq = ? WHERE id = ?").run(fee, BigInt(tx.sequence), source.id);
  const codes = tx.operations.map(() => "op_success");
  const runOps = db.transaction(() => {
    tx.operations.forEach((op, i) => {
      try {
        applyOperation(c, op, op.source ?? tx.source, hash, i, tx);
      } catch (e) {
        if (e instanceof OpFailure) codes[i] = e.code;
        throw e;
      }
    });
  });
  let ok = true;
  try {
    runOps(); // nested: a savepoint, so a failed operation undoes only the operations
  } catch (e) {
    if (!(e instanceof OpFailure)) throw e;
    ok = false;
  }
  return { hash, successful: ok, transaction: ok ? "tx_success" : "tx_failed", operations: codes, ledger: c.ledger, feeCharged: fee };
}

function mustRow(db: LedgerDb, id: string): AccountRow {
  const r = row(db, id);
  if (r === undefined) throw new OpFailure("op_no_source_account");
  return r;
}

function trustline(db: LedgerDb, account: string, asset: AssetId): { balance: bigint; lim: bigint } | undefined {
  return db.prepare("SELECT balance, lim FROM trustlines WHERE account = ? AND asset = ?").get(account, assetKey(asset)) as { balance: bigint; lim: bigint } | undefined;
}

function memoOf(tx: Transaction): { memo: string; type: string } {
  const m = tx.memo;
  if (m.type === "none" || m.value === null) return { memo: "", type: "none" };
  if (m.type === "text") return { memo: Buffer.isBuffer(m.value) ? m.value.toString("utf8") : String(m.value), type: "text" };
  if (m.type === "id") return { memo: String(m.value), type: "id" };
  return { memo: Buffer.from(m.value as Buffer).toString("hex"), type: m.type };
}

function applyOperation(c: ApplyContext, op: Operation, sourceId: string, hash: string, index: number, tx: Transaction): void {
  const db = c.db;
  const src = mustRow(db, sourceId);
  if (op.type === "createAccount") {
    const amount = toStroops(op.startingBalance);
    if (amount <= 0n) throw new OpFailure("op_malformed");
    if (row(db, op.destination) !== undefined) throw new OpFailure("op_already_exists");
    if (amount < 2n * c.baseReserve) throw new OpFailure("op_low_reserve");
    if (src.balance - amount < minBalance(c, src)) throw new OpFailure("op_underfunded");
    db.prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?").run(amount, src.id);
    db.prepare("INSERT INTO accounts (id, balance, seq) VALUES (?, ?, ?)").run(op.destination, amount, BigInt(c.ledger) << 32n);
    recordPayment(c, hash, index, tx, src.id, op.destination, "native", amount, "create_account");
    return;
  }
  if (op.type === "payment") {
    const amount = toStroops(op.amount);
    const asset = assetOf(op.asset);
    if (amount <= 0n) throw new OpFailure("op_malformed");
    const dest = row(db, op.destination);
    if (dest === undefined) throw new OpFailure("op_no_destination");
    if (asset === "native") {
      if (src.balance - amount < minBalance(c, src)) throw new OpFailure("op_underfunded");
      db.prepare("UPDATE accounts SET balance = balance - ? WHERE id = ?").run(amount, src.id);
      db.prepare("UPDATE accounts SET balance = balance + ? WHERE id = ?").run(amount, dest.id);
    } else {
      if (row(db, asset.issuer) === undefined) throw new OpFailure("op_no_issuer");
      // stellar-core's order (a payment is a path payment): the destination is credited first,
      // then the source debited. The issuer sends and receives its own asset without a
      // trustline (it mints and burns).
      if (dest.id !== asset.issuer) {
        const line = trustline(db, dest.id, asset);
        if (line === undefined) throw new OpFailure("op_no_trust");
        if (line.balance + amount > line.lim) throw new OpFailure("op_line_full");
      }
      if (src.id !== asset.issuer) {
        const line = trustline(db, src.id, asset);
        if (line === undefined) throw new OpFailure("op_src_no_trust");
        if (line.balance < amount) throw new OpFailure("op_underfunded");
        db.prepare("UPDATE trustlines SET balance = balance - ? WHERE account = ? AND asset = ?").run(amount, src.id, assetKey(asset));
      }
      if (dest.id !== asset.issuer) db.prepare("UPDATE trustlines SET balance = balance + ? WHERE account = ? AND asset = ?").run(amount, dest.id, assetKey(asset));
    }
    recordPayment(c, hash, index, tx, src.id, dest.id, assetKey(asset), amount);
    return;
  }
  if (op.type === "changeTrust") {
    const line = op.line as unknown as { isNative(): boolean; getCode(): string; getIssuer(): string };
    if (line.isNative()) throw new OpFailure("op_malformed");
    const asset = assetOf(line) as { code: string; issuer: string };
    if (asset.issuer === src.id) throw new OpFailure("op_self_not_allowed");
    const limit = toStroops(op.limit);
    const have = trustline(db, src.id, asset);
    if (limit === 0n) {
      if (have === undefined) return;
      if (have.balance > 0n) throw new OpFailure("op_invalid_limit");
      db.prepare("DELETE FROM trustlines WHERE account = ? AND asset = ?").run(src.id, assetKey(asset));
      db.prepare("UPDATE accounts SET subentries = subentries - 1 WHERE id = ?").run(src.id);
      return;
    }
    if (row(db, asset.issuer) === undefined) throw new OpFailure("op_no_issuer");
    if (have !== undefined) {
      if (limit < have.balance) throw new OpFailure("op_invalid_limit");
      db.prepare("UPDATE trustlines SET lim = ? WHERE account = ? AND asset = ?").run(limit, src.id, assetKey(asset));
      return;
    }
    if (src.balance < minBalance(c, src, 1n)) throw new OpFailure("op_low_reserve");
    db.prepare("INSERT INTO trustlines (account, asset, balance, lim) VALUES (?, ?, 0, ?)").run(src.id, assetKey(asset), limit);
    db.prepare("UPDATE accounts SET subentries = subentries + 1 WHERE id = ?").run(src.id);
    return;
  }
  if (op.type === "manageData") {
    const had = db.prepare("SELECT 1 FROM data WHERE account = ? AND name = ?").get(src.id, op.name) !== undefined;
    if (op.value === undefined || op.value === null) {
      if (!had) throw new OpFailure("op_data_name_not_found");
      db.prepare("DELETE FROM data WHERE account = ? AND name = ?").run(src.id, op.name);
      db.prepare("UPDATE accounts SET subentries = subentries - 1 WHERE id = ?").run(src.id);
      return;
    }
    if (!had && src.balance < minBalance(c, src, 1n)) throw new OpFailure("op_low_reserve");
    db.prepare("INSERT INTO data (account, name, value) VALUES (?, ?, ?) ON CONFLICT(account, name) DO UPDATE SET value = excluded.value").run(src.id, op.name, Buffer.from(op.value));
    if (!had) db.prepare("UPDATE accounts SET subentries = subentries + 1 WHERE id = ?").run(src.id);
    return;
  }
  if (op.type === "setOptions") {
    const o = op as Operation.SetOptions;
    if (o.masterWeight !== undefined) db.prepare("UPDATE accounts SET master_weight = ? WHERE id = ?").run(BigInt(o.masterWeight), src.id);
    if (o.lowThreshold !== undefined) db.prepare("UPDATE accounts SET low = ? WHERE id = ?").run(BigInt(o.lowThreshold), src.id);
    if (o.medThreshold !== undefined) db.prepare("UPDATE accounts SET med = ? WHERE id = ?").run(BigInt(o.medThreshold), src.id);
    if (o.highThreshold !== undefined) db.prepare("UPDATE accounts SET high = ? WHERE id = ?").run(BigInt(o.highThreshold), src.id);
    const signer = o.signer as { ed25519PublicKey?: string; weight?: number } | undefined;
    if (signer !== undefined) {
      if (signer.ed25519PublicKey === undefined) throw new OpFailure("op_not_supported");
      if (signer.ed25519PublicKey === src.id) throw new OpFailure("op_bad_signer");
      const had = db.prepare("SELECT 1 FROM signers WHERE account = ? AND key = ?").get(src.id, signer.ed25519PublicKey) !== undefined;
      const weight = signer.weight ?? 0;
      if (weight === 0) {
        if (had) {
          db.prepare("DELETE FROM signers WHERE account = ? AND key = ?").run(src.id, signer.ed25519PublicKey);
          db.prepare("UPDATE accounts SET subentries = subentries - 1 WHERE id = ?").run(src.id);
        }
      } else {
        if (!had && mustRow(db, src.id).balance < minBalance(c, mustRow(db, src.id), 1n)) throw new OpFailure("op_low_reserve");
        db.prepare("INSERT INTO signers (account, key, weight) VALUES (?, ?, ?) ON CONFLICT(account, key) DO UPDATE SET weight = excluded.weight").run(src.id, signer.ed25519PublicKey, BigInt(weight));
        if (!had) db.prepare("UPDATE accounts SET subentries = subentries + 1 WHERE id = ?").run(src.id);
      }
    }
    return;
  }
  throw new OpFailure("op_not_supported");
}

function recordPayment(c: ApplyContext, hash: string, index: number, tx: Transaction, from: string, to: string, asset: string, amount: bigint, type = "payment"): void {
  const m = memoOf(tx);
  c.db.prepare("INSERT INTO payments (id, hash, ledger, at, source, destination, asset, amount, memo, memo_type, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(`${hash}-${index}`, hash, BigInt(c.ledger), BigInt(c.now), from, to, asset, amount, m.memo, m.type, type);
}

export { memoOf };
