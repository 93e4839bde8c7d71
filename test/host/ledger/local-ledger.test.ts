/**
 * The local ledger against envelopes built and signed with @stellar/stellar-base: payments in
 * the native and an issued asset move balances by exactly the amount and the fee; what
 * stellar-core refuses is refused with its code — forged, replayed, wrong-network, out of time,
 * under-paid, under-funded, no trustline, line full, low reserve, multisig short of its
 * threshold or with an extra signature; an applied envelope submitted again is not applied twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Account, Asset, Keypair, Memo, Networks, Operation, TransactionBuilder } from "@stellar/stellar-base";
import { LocalLedger } from "../../../host/ledger/local-ledger";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ledger(now = () => 1_800_000_000): LocalLedger {
  const d = mkdtempSync(join(tmpdir(), "solkit-ledger-"));
  dirs.push(d);
  return new LocalLedger(join(d, "ledger.db"), { now });
}

/** Builds and signs an envelope against the ledger's current sequence of `source`. */
function envelope(l: LocalLedger, source: Keypair, ops: any[], o: { signers?: Keypair[]; fee?: string; network?: string; timeout?: number; memo?: Memo; seqDelta?: bigint } = {}) {
  const a = l.accountNow(source.publicKey())!;
  const b = new TransactionBuilder(new Account(a.id, (a.sequence + (o.seqDelta ?? 0n)).toString()), { fee: o.fee ?? "100", networkPassphrase: o.network ?? l.networkPassphrase });
  for (const op of ops) b.addOperation(op);
  if (o.memo) b.addMemo(o.memo);
  const tx = b.setTimeout(o.timeout ?? 0).build();
  for (const k of o.signers ?? [source]) tx.sign(k);
  return { xdr: tx.toEnvelope().toXDR("base64"), hash: tx.hash().toString("hex") };
}

async function funded(l: LocalLedger, xlm = "100"): Promise<Keypair> {
  const k = Keypair.random();
  expect((await l.fund(k.publicKey(), xlm)).transaction).toBe("tx_success");
  return k;
}

const XLM = 10_000_000n;

describe("the local ledger", () => {
  it("a native payment moves exactly the amount, the fee is burnt, the hash is stellar-base's", async () => {
    const l = ledger();
    const [a, b] = [await funded(l), await funded(l)];
    const e = envelope(l, a, [Operation.payment({ destination: b.publicKey(), asset: Asset.native(), amount: "12.5" })], { memo: Memo.text("device G7 period 3") });
    const r = await l.submit(e.xdr);
    expect(r).toMatchObject({ hash: e.hash, successful: true, transaction: "tx_success", operations: ["op_success"], feeCharged: 100n });
    expect(l.balanceOf(a.publicKey(), "native")).toBe(100n * XLM - 125_000_000n - 100n);
    expect(l.balanceOf(b.publicKey(), "native")).toBe(100n * XLM + 125_000_000n);
    expect((await l.findPaymentsByMemo("device G7 period 3", b.publicKey())).map((p) => [p.hash, p.amount])).toEqual([[e.hash, 125_000_000n]]);
    // The same envelope again: its stored result, not a second payment.
    expect(await l.submit(e.xdr)).toMatchObject({ hash: e.hash, successful: true });
    expect(l.balanceOf(b.publicKey(), "native")).toBe(100n * XLM + 125_000_000n);
  });

  it("refuses forged, wrong-network, out-of-sequence, out-of-time and under-paid envelopes with stellar-core's codes, spending nothing", async () => {
    let now = 1_800_000_000;
    const l = ledger(() => now);
    const [a, b] = [await funded(l), await funded(l)];
    const pay = [Operation.payment({ destination: b.publicKey(), asset: Asset.native(), amount: "1" })];
    const before = l.accountNow(a.publicKey())!;
    expect((await l.submit(envelope(l, a, pay, { signers: [Keypair.random()] }).xdr)).transaction).toBe("tx_bad_auth");
    expect((await l.submit(envelope(l, a, pay, { network: Networks.TESTNET }).xdr)).transaction).toBe("tx_bad_auth");
    expect((await l.submit(envelope(l, a, pay, { signers: [a, b] }).xdr)).transaction).toBe("tx_bad_auth_extra");
    expect((await l.submit(envelope(l, a, pay, { seqDelta: 1n }).xdr)).transaction).toBe("tx_bad_seq");
    expect((await l.submit(envelope(l, a, pay, { fee: "99" }).xdr)).transaction).toBe("tx_insufficient_fee");
    const stranger = Keypair.random();
    const ghost = new TransactionBuilder(new Account(stranger.publicKey(), "0"), { fee: "100", networkPassphrase: l.networkPassphrase }).addOperation(pay[0]).setTimeout(0).build();
    ghost.sign(stranger);
    expect((await l.submit(ghost.toEnvelope().toXDR("base64"))).transaction).toBe("tx_no_source_account");
    const late = envelope(l, a, pay, { timeout: 30 });
    now += 31;
    expect((await l.submit(late.xdr)).transaction).toBe("tx_too_late");
    expect((await l.submit("AAAA")).transaction).toBe("tx_malformed");
    expect(l.accountNow(a.publicKey())).toEqual(before);
    // A replay of an applied transaction built again on the old sequence is tx_bad_seq.
    const ok = envelope(l, a, pay);
    expect((await l.submit(ok.xdr)).successful).toBe(true);
    const again = envelope(l, a, pay, { seqDelta: -1n, memo: Memo.text("different bytes") });
    expect((await l.submit(again.xdr)).transaction).toBe("tx_bad_seq");
  });

  it("an issued asset needs a trustline within its limit; failed operations roll back but the fee and sequence are spent", async () => {
    const l = ledger();
    const [issuer, project, customer] = [await funded(l), await funded(l), await funded(l)];
    const USDC = { code: "USDC", issuer: issuer.publicKey() };
    const usdc = new Asset("USDC", issuer.publicKey());
    const noTrust = await l.pay(issuer, customer.publicKey(), USDC, "50");
    expect(noTrust).toMatchObject({ transaction: "tx_failed", operations: ["op_no_trust"], feeCharged: 100n });
    expect((await l.trust(customer, USDC, "100")).successful).toBe(true);
    expect((await l.trust(project, USDC)).successful).toBe(true);
    expect((await l.pay(issuer, customer.publicKey(), USDC, "80")).successful).toBe(true);
    expect((await l.pay(issuer, customer.publicKey(), USDC, "30")).operations).toEqual(["op_line_full"]);
    // Two payments in one transaction, the second under-funded: neither happens.
    const seq = l.accountNow(customer.publicKey())!.sequence;
    const both = envelope(l, customer, [
      Operation.payment({ destination: project.publicKey(), asset: usdc, amount: "60" }),
      Operation.payment({ destination: project.publicKey(), asset: usdc, amount: "60" }),
    ], { fee: "200" });
    expect(await l.submit(both.xdr)).toMatchObject({ transaction: "tx_failed", operations: ["op_success", "op_underfunded"], feeCharged: 200n });
    expect(l.balanceOf(customer.publicKey(), USDC)).toBe(80n * XLM);
    expect(l.balanceOf(project.publicKey(), USDC)).toBe(0n);
    expect(l.accountNow(customer.publicKey())!.sequence).toBe(seq + 1n);
    expect((await l.pay(project, customer.publicKey(), USDC, "1")).operations).toEqual(["op_underfunded"]);
    // Native: the reserve (2 + 1 trustline) × 0.5 XLM cannot be spent.
    expect((await l.pay(customer, project.publicKey(), "native", "99")).operations).toEqual(["op_underfunded"]);
    expect((await l.fund(Keypair.random().publicKey(), "0.5")).operations).toEqual(["op_low_reserve"]);
    expect((await l.fund(customer.publicKey(), "5")).operations).toEqual(["op_already_exists"]);
  });

  it("multisig: a deposit account needing two of three signers; manage data as the period's anchor", async () => {
    const l = ledger();
    const [deposit, owner, teller] = [await funded(l), Keypair.random(), Keypair.random()];
    const setup = envelope(l, deposit, [
      Operation.setOptions({ signer: { ed25519PublicKey: owner.publicKey(), weight: 1 } }),
      Operation.setOptions({ signer: { ed25519PublicKey: teller.publicKey(), weight: 1 } }),
      Operation.setOptions({ masterWeight: 1, lowThreshold: 1, medThreshold: 2, highThreshold: 3 }),
    ], { fee: "300" });
    expect((await l.submit(setup.xdr)).successful).toBe(true);
    const to = await funded(l);
    const pay = [Operation.payment({ destination: to.publicKey(), asset: Asset.native(), amount: "1" })];
    expect(await l.submit(envelope(l, deposit, pay, { signers: [teller] }).xdr)).toMatchObject({ transaction: "tx_failed", operations: ["op_bad_auth"] });
    expect((await l.submit(envelope(l, deposit, pay, { signers: [teller, owner] }).xdr)).successful).toBe(true);
    const anchor = envelope(l, deposit, [Operation.manageData({ name: "solkit:G7:p3", value: Buffer.alloc(32, 7) })], { signers: [teller, owner] });
    expect((await l.submit(anchor.xdr)).successful).toBe(true);
    expect(l.accountNow(deposit.publicKey())!.data["solkit:G7:p3"]).toBe(Buffer.alloc(32, 7).toString("base64"));
    const gone = envelope(l, deposit, [Operation.manageData({ name: "nothing here", value: null })], { signers: [teller, owner] });
    expect((await l.submit(gone.xdr)).operations).toEqual(["op_data_name_not_found"]);
  });

  it("keeps its state in the file: a reopened ledger has the same accounts and history", async () => {
    const d = mkdtempSync(join(tmpdir(), "solkit-ledger-"));
    dirs.push(d);
    const file = join(d, "ledger.db");
    const l = new LocalLedger(file);
    const a = Keypair.random();
    const r = await l.fund(a.publicKey(), "42");
    l.close();
    const again = new LocalLedger(file);
    expect(again.balanceOf(a.publicKey(), "native")).toBe(42n * XLM);
    expect(await again.transaction(r.hash)).toMatchObject({ successful: true, ledger: r.ledger });
    expect((await again.payments(a.publicKey())).length).toBe(1);
    again.close();
    expect(() => new LocalLedger(file, { networkPassphrase: Networks.TESTNET })).toThrow(/is a ledger of the network/);
  });
});
