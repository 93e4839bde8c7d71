/**
 * The Horizon ledger (issue 12) against a local HTTP server replaying Horizon's responses
 * (shapes as Horizon 2.x sends them; result XDR made with stellar-base): accounts, a success,
 * each refusal with Stellar's codes, 504 then success with the same envelope, 504 while the
 * transaction did apply (no second submission), a rate limit honouring Retry-After, a dropped
 * connection, a server that never answers, payments with their memos, a failed transaction.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Account, Asset, Keypair, Memo, Networks, Operation, TransactionBuilder, xdr } from "@stellar/stellar-base";
import { HorizonLedger } from "../../../host/ledger/horizon-ledger";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const alice = Keypair.random();
const bob = Keypair.random();

/** A server answering each request with the next handler of its route ("POST /transactions", "GET /accounts/…"). */
async function horizon(routes: Record<string, Handler[]>) {
  const seen: { method: string; path: string; body: string }[] = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const path = new URL(req.url!, "http://x").pathname;
      seen.push({ method: req.method!, path: req.url!, body });
      const key = Object.keys(routes).find((k) => `${req.method} ${path}`.startsWith(k));
      const h = key ? routes[key].shift() : undefined;
      if (!h) return json(res, 404, { type: "https://stellar.org/horizon-errors/not_found", title: "Resource Missing", status: 404 });
      h(req, body, res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
  const sleeps: number[] = [];
  const ledger = new HorizonLedger({ url, networkPassphrase: Networks.TESTNET, attempts: 4, backoffMs: 10, sleep: async (ms) => void sleeps.push(ms) });
  return { ledger, seen, sleeps };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/hal+json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}

function envelope() {
  const tx = new TransactionBuilder(new Account(alice.publicKey(), "100"), { fee: "100", networkPassphrase: Networks.TESTNET })
    .addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "2.5" }))
    .addMemo(Memo.hash("ab".repeat(32))).setTimeout(300).build();
  tx.sign(alice);
  return { xdr: tx.toEnvelope().toXDR("base64"), hash: tx.hash().toString("hex") };
}

function resultXdr(ok: boolean): string {
  const op = xdr.OperationResult.opInner(xdr.OperationResultTr.payment(ok ? xdr.PaymentResult.paymentSuccess() : xdr.PaymentResult.paymentUnderfunded()));
  const result = ok ? xdr.TransactionResultResult.txSuccess([op]) : xdr.TransactionResultResult.txFailed([op]);
  return new xdr.TransactionResult({ feeCharged: xdr.Int64.fromString("100"), result, ext: new xdr.TransactionResultExt(0) }).toXDR("base64");
}

function txRecord(hash: string, ok: boolean) {
  return {
    _links: { self: { href: `/transactions/${hash}` }, account: { href: `/accounts/${alice.publicKey()}` }, ledger: { href: "/ledgers/51000001" } },
    id: hash, paging_token: "1234", successful: ok, hash, ledger: 51_000_001, created_at: "2026-11-29T18:00:00Z", source_account: alice.publicKey(),
    source_account_sequence: "101", fee_charged: "100", max_fee: "100", operation_count: 1, envelope_xdr: "", result_xdr: resultXdr(ok),
    memo_type: "hash", memo: Buffer.from("ab".repeat(32), "hex").toString("base64"),
  };
}

const success = (hash: string): Handler => (_q, _b, res) => json(res, 200, txRecord(hash, true));
const refusal = (transaction: string, operations?: string[]): Handler => (_q, _b, res) =>
  json(res, 400, { type: "https://stellar.org/horizon-errors/transaction_failed", title: "Transaction Failed", status: 400, extras: { envelope_xdr: "", result_codes: { transaction, ...(operations ? { operations } : {}) } } });
const status = (code: number, headers: Record<string, string> = {}): Handler => (_q, _b, res) => json(res, code, { type: "https://stellar.org/horizon-errors/timeout", title: "Timeout", status: code }, headers);

describe("the Horizon ledger", () => {
  it("reads an account: sequence, balances in stroops, thresholds, signers, data; a missing one is undefined", async () => {
    const { ledger } = await horizon({
      [`GET /accounts/${alice.publicKey()}`]: [(_q, _b, res) => json(res, 200, {
        _links: {}, id: alice.publicKey(), account_id: alice.publicKey(), sequence: "4294967297", subentry_count: 2,
        thresholds: { low_threshold: 1, med_threshold: 2, high_threshold: 3 }, flags: {},
        balances: [{ balance: "10.5000000", limit: "1000.0000000", asset_type: "credit_alphanum4", asset_code: "USDC", asset_issuer: bob.publicKey() }, { balance: "99.9999900", asset_type: "native" }],
        signers: [{ weight: 1, key: alice.publicKey(), type: "ed25519_public_key" }], data: { "solkit:anchor": Buffer.from("x").toString("base64") },
      })],
    });
    const a = await ledger.account(alice.publicKey());
    expect(a).toMatchObject({
      sequence: 4294967297n, subentries: 2, thresholds: { low: 1, med: 2, high: 3 }, signers: [{ key: alice.publicKey(), weight: 1 }],
      balances: [{ asset: { code: "USDC", issuer: bob.publicKey() }, balance: 105_000_000n, limit: 10_000_000_000n }, { asset: "native", balance: 999_999_900n }],
    });
    expect(await ledger.account(bob.publicKey())).toBeUndefined();
  });

  it("a success carries the real hash; each refusal Stellar's own codes", async () => {
    const e = envelope();
    const { ledger, seen } = await horizon({
      "POST /transactions": [success(e.hash), refusal("tx_bad_seq"), refusal("tx_bad_auth"), refusal("tx_failed", ["op_underfunded"]), refusal("tx_insufficient_fee"), refusal("tx_failed", ["op_no_trust"])],
    });
    expect(await ledger.submit(e.xdr)).toMatchObject({ hash: e.hash, successful: true, transaction: "tx_success", operations: ["op_success"], ledger: 51_000_001, feeCharged: 100n });
    expect(decodeURIComponent(seen[0].body)).toBe(`tx=${e.xdr}`);
    for (const [t, ops] of [["tx_bad_seq", []], ["tx_bad_auth", []], ["tx_failed", ["op_underfunded"]], ["tx_insufficient_fee", []], ["tx_failed", ["op_no_trust"]]] as const) {
      expect(await ledger.submit(e.xdr)).toEqual({ hash: e.hash, successful: false, transaction: t, operations: ops, feeCharged: 0n });
    }
  });

  it("504, then the same envelope again after asking for its hash; 504 while it applied: found, not sent twice", async () => {
    const e = envelope();
    const a = await horizon({ "POST /transactions": [status(504), success(e.hash)] });
    expect(await a.ledger.submit(e.xdr)).toMatchObject({ hash: e.hash, successful: true });
    expect(a.seen.map((s) => `${s.method} ${s.path.split("?")[0]}`)).toEqual(["POST /transactions", `GET /transactions/${e.hash}`, "POST /transactions"]);
    expect(a.seen[0].body).toBe(a.seen[2].body); // the same signed bytes
    expect(a.sleeps).toEqual([10]);
    await new Promise((r) => server!.close(r));

    const b = await horizon({ "POST /transactions": [status(504)], [`GET /transactions/${e.hash}`]: [success(e.hash)] });
    expect(await b.ledger.submit(e.xdr)).toMatchObject({ hash: e.hash, successful: true, ledger: 51_000_001, source: alice.publicKey(), memo: "ab".repeat(32), memoType: "hash" });
    expect(b.seen.filter((s) => s.method === "POST")).toHaveLength(1);
  });

  it("a rate limit waits as long as Retry-After says; a dropped connection is retried; a server that never answers is an error, not a refusal", async () => {
    const e = envelope();
    const a = await horizon({ "POST /transactions": [status(429, { "retry-after": "3" }), (q) => q.socket.destroy(), success(e.hash)] });
    expect(await a.ledger.submit(e.xdr)).toMatchObject({ successful: true });
    expect(a.sleeps).toEqual([3000, 20]);
    await new Promise((r) => server!.close(r));
    const b = await horizon({ "POST /transactions": [status(503), status(502), status(504), status(500)] });
    await expect(b.ledger.submit(e.xdr)).rejects.toThrow(/did not answer the submission of \w{64} after 4 attempts \(HTTP 500\); the same envelope goes again/);
  });

  it("payments with their memos (hash memos as hex) after a cursor; a failed transaction's codes from its result", async () => {
    const e = envelope();
    const { ledger, seen } = await horizon({
      [`GET /accounts/${bob.publicKey()}/payments`]: [(_q, _b, res) => json(res, 200, {
        _links: { next: { href: "/next" } },
        _embedded: { records: [
          { _links: { transaction: { href: `/transactions/${e.hash}` } }, id: "77", paging_token: "77", transaction_successful: true, type: "create_account", created_at: "2026-11-29T17:00:00Z", transaction_hash: e.hash, starting_balance: "100.0000000", funder: alice.publicKey(), account: bob.publicKey(), transaction: { memo_type: "none", ledger: 5 } },
          { _links: { transaction: { href: `/transactions/${e.hash}` } }, id: "78", paging_token: "78", transaction_successful: true, type: "payment", created_at: "2026-11-29T18:00:00Z", transaction_hash: e.hash, asset_type: "native", from: alice.publicKey(), to: bob.publicKey(), amount: "2.5000000", transaction: { memo_type: "hash", memo: Buffer.from("ab".repeat(32), "hex").toString("base64"), ledger: 6 } },
          { _links: {}, id: "79", paging_token: "79", transaction_successful: false, type: "payment", created_at: "2026-11-29T18:01:00Z", transaction_hash: "ff", asset_type: "native", from: alice.publicKey(), to: bob.publicKey(), amount: "9.0000000" },
        ] },
      })],
      [`GET /transactions/${e.hash}`]: [(_q, _b, res) => json(res, 200, txRecord(e.hash, false))],
    });
    const ps = await ledger.payments(bob.publicKey(), "76");
    expect(new URL(seen[0].path, "http://x").searchParams.get("cursor")).toBe("76");
    expect(ps.map((p) => [p.id, p.type, p.amount, p.memoType, p.memo, p.ledger])).toEqual([
      ["77", "create_account", 1_000_000_000n, "none", "", 5],
      ["78", "payment", 25_000_000n, "hash", "ab".repeat(32), 6],
    ]);
    expect(await ledger.transaction(e.hash)).toMatchObject({ successful: false, transaction: "tx_failed", operations: ["op_underfunded"], feeCharged: 100n });
  });
});
