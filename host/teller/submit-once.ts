/**
 * Submitting so that a transaction applies at most once, across crashes (issue 12, crash
 * safety): the signed envelope and its hash are stored before the first submission; after a
 * restart the ledger is asked for that hash first and, if it does not have it, the very same
 * envelope goes again — never a new one with a new sequence number while the old one could
 * still apply. A new envelope is built only once the old one provably cannot apply: it was
 * applied (and failed: fee and sequence spent), or the ledger refused it for a sequence number
 * already used or a time bound already past.
 */
import { Account, TransactionBuilder, type Keypair, type Memo, type Transaction, type xdr } from "@stellar/stellar-base";
import type { Ledger, SubmitResult } from "../ledger/ledger";

export interface Envelope {
  xdr: string;
  hash: string;
}

/** How long a built envelope stays valid: long enough for retries, short enough to be replaced. */
export const ENVELOPE_LIFETIME_S = 3600;

/**
 * Builds and signs an envelope from `source`'s current sequence number.
 * @throws Error when the source account does not exist on the ledger
 */
export async function buildEnvelope(
  ledger: Ledger, source: Keypair, ops: xdr.Operation[], memo: Memo, nowS: number, feePerOp = 100,
): Promise<Envelope> {
  const a = await ledger.account(source.publicKey());
  if (a === undefined) throw new Error(`the account ${source.publicKey()} does not exist on the ledger`);
  const b = new TransactionBuilder(new Account(a.id, a.sequence.toString()), { fee: String(feePerOp), networkPassphrase: ledger.networkPassphrase });
  for (const op of ops) b.addOperation(op);
  const tx = b.addMemo(memo).setTimebounds(0, nowS + ENVELOPE_LIFETIME_S).build();
  tx.sign(source);
  return { xdr: tx.toEnvelope().toXDR("base64"), hash: tx.hash().toString("hex") };
}

/** The stored envelope's outcome: the ledger's record if it has the hash, else a submission of the same bytes. */
export async function submitOnce(ledger: Ledger, e: Envelope): Promise<SubmitResult> {
  const known = await ledger.transaction(e.hash);
  if (known !== undefined) return known;
  return ledger.submit(e.xdr);
}

/**
 * True when this envelope can never apply again, so a new one may be built: it was applied
 * (tx_failed spends fee and sequence), its time bound is past, or its sequence number is used
 * (tx_bad_seq also answers a number too far ahead, which could still apply later: not spent).
 */
export async function envelopeSpent(ledger: Ledger, e: Envelope, r: SubmitResult): Promise<boolean> {
  if (r.ledger !== undefined || r.transaction === "tx_failed" || r.transaction === "tx_too_late") return true;
  if (r.transaction !== "tx_bad_seq") return false;
  const tx = TransactionBuilder.fromXDR(e.xdr, ledger.networkPassphrase) as Transaction;
  const a = await ledger.account(tx.source);
  return a !== undefined && a.sequence >= BigInt(tx.sequence);
}
