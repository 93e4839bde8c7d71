/**
 * `solkit verify --anchor TX` (issue 12): proves a bill from the readings. The anchor
 * transaction's memo hash must be the SHA-256 of the bill's statement; the statement's readings
 * (from the gateway's store, or any copy of it) must chain and carry the device's signatures
 * from the first billed seq to the last, whose hash is the statement's head; the energy must be
 * what those readings measured, and the bill what the statement's prices make of it. Each
 * check is one line; any failure makes the whole verdict false.
 */
import { createHash } from "node:crypto";
import type { Db } from "../gateway/store-sqlite";
import { verifyChain, AUTHENTICATED } from "../../shared/protocol/chain";
import { decodeReading } from "../../shared/protocol/reading";
import { decodePublicKey, isPublicKey } from "../../shared/crypto/strkey";
import { nodeVerifier } from "../crypto/node-verifier";
import { fromStroops, toStroops, type Ledger } from "../ledger/ledger";
import { statementDigest, type Statement } from "./statement";

export interface AnchorVerdict {
  ok: boolean;
  /** One line per check, "✓ …" or "✗ …". */
  lines: string[];
  statement?: Statement;
}

interface Row {
  seq: number;
  bytes: Buffer;
  sig: Buffer;
  by_seq: number;
}

/**
 * Checks the anchor `txHash` on `ledger` against `statement` (or the bill in `db` whose digest the
 * memo names) and the readings in `db`.
 */
export async function verifyAnchor(ledger: Ledger, txHash: string, db: Db, given?: Statement): Promise<AnchorVerdict> {
  const lines: string[] = [];
  let ok = true;
  const check = (pass: boolean, yes: string, no: string) => {
    lines.push(pass ? `✓ ${yes}` : `✗ ${no}`);
    ok &&= pass;
    return pass;
  };
  const tx = await ledger.transaction(txHash);
  if (!check(tx !== undefined && tx.successful, `transaction ${txHash} applied in ledger ${tx?.ledger} at ${tx ? new Date(tx.at * 1000).toISOString() : ""}`, tx ? `transaction ${txHash} failed on the ledger (${tx.transaction})` : `the ledger (${ledger.networkPassphrase}) has no transaction ${txHash}`)) return { ok: false, lines };
  if (!check(tx!.memoType === "hash", `its memo hash is ${tx!.memo}`, `its memo is ${tx!.memoType}, not a hash: not an anchor`)) return { ok: false, lines };
  let statement = given;
  if (statement === undefined) {
    const row = db.prepare("SELECT statement FROM teller_bills WHERE digest = ?").get(tx!.memo) as { statement: string } | undefined;
    if (!check(row !== undefined, "the bill with that digest is in the database", "no bill in the database has that digest (give the statement with --statement FILE)")) return { ok: false, lines };
    statement = JSON.parse(row!.statement) as Statement;
  }
  const s = statement!;
  check(statementDigest(s).toString("hex") === tx!.memo, `the statement of ${s.device.slice(0, 10)}… for ${s.period} hashes to the memo`, `the statement's SHA-256 ${statementDigest(s).toString("hex")} is not the memo: it is not the bill that was anchored`);
  check(tx!.source === s.project, `anchored by the project's account ${s.project}`, `anchored by ${tx!.source}, not the project ${s.project}`);
  check(s.network === ledger.networkPassphrase, `on the network "${s.network}"`, `the statement names the network "${s.network}", the ledger is "${ledger.networkPassphrase}"`);
  if (s.firstSeq === null || s.lastSeq === null) {
    check(s.energyMwh === 0 && toStroops(s.bill) === 0n, "no readings, nothing billed", "a statement without readings bills something");
    return { ok, lines, statement: s };
  }
  if (!check(isPublicKey(s.device), `device ${s.device}`, `the statement's device "${s.device}" is not a device id`)) return { ok: false, lines, statement: s };
  const last = db.prepare("SELECT by_seq FROM readings WHERE device = ? AND seq = ?").get(s.device, s.lastSeq) as { by_seq: number } | undefined;
  if (!check(last !== undefined, `the database holds reading ${s.lastSeq}`, `the database has no reading ${s.lastSeq} of the device: the readings are needed to prove the bill`)) return { ok: false, lines, statement: s };
  const rows = db.prepare("SELECT seq, bytes, sig, by_seq FROM readings WHERE device = ? AND seq >= ? AND seq <= ? ORDER BY seq").all(s.device, s.firstSeq, Math.max(s.lastSeq, last!.by_seq)) as Row[];
  const first = decodeReading(new Uint8Array(rows[0].bytes));
  const r = verifyChain(rows.map((x) => ({ reading: new Uint8Array(x.bytes), signature: new Uint8Array(x.sig) })), { lastSeq: first.seq - 1 - first.dropped, lastHash: first.prev }, decodePublicKey(s.device), nodeVerifier);
  const billed = r.verdicts.filter((v) => v.seq >= s.firstSeq! && v.seq <= s.lastSeq!);
  const bad = billed.find((v) => v.status !== AUTHENTICATED);
  check(bad === undefined && billed.length > 0 && billed[billed.length - 1].seq === s.lastSeq, `readings ${s.firstSeq}..${s.lastSeq}: ${billed.length} chained and signed by the device`, bad ? `reading ${bad.seq} is ${bad.status}${bad.reason ? ` (${bad.reason})` : ""}` : "the readings do not reach the last billed seq");
  const lastRow = rows.find((x) => x.seq === s.lastSeq)!;
  check(createHash("sha256").update(lastRow.bytes).digest("hex") === s.head, `the chain head ${s.head.slice(0, 16)}… is reading ${s.lastSeq}`, `reading ${s.lastSeq} does not hash to the statement's head`);
  // Energy: what the registers moved over the billed readings (the reading before the first is the baseline).
  const before = db.prepare("SELECT bytes FROM readings WHERE device = ? AND seq < ? ORDER BY seq DESC LIMIT 1").get(s.device, s.firstSeq) as { bytes: Buffer } | undefined;
  let prev = before ? decodeReading(new Uint8Array(before.bytes)).energyIn : undefined;
  let energy = 0;
  for (const x of rows.filter((y) => y.seq <= s.lastSeq!)) {
    const e = decodeReading(new Uint8Array(x.bytes)).energyIn;
    if (prev !== undefined) energy += Math.max(0, e - prev);
    prev = e;
  }
  check(energy === s.energyMwh, `energy ${(energy / 1e6).toFixed(3)} kWh as the readings measured`, `the readings measured ${energy} mWh, the statement says ${s.energyMwh}`);
  const priced = s.prices.reduce((sum, p) => sum + BigInt(p.energyMwh) * toStroops(p.pricePerKwh), 0n);
  const sumEnergy = s.prices.reduce((sum, p) => sum + p.energyMwh, 0);
  const bill = fromStroops((priced + 500_000n) / 1_000_000n);
  check(bill === s.bill && sumEnergy === s.energyMwh, `bill ${s.bill} = ${s.prices.map((p) => `${(p.energyMwh / 1e6).toFixed(3)} kWh × ${p.pricePerKwh} (${p.source})`).join(" + ") || "0"}`, `the prices make ${bill} of ${sumEnergy} mWh, the statement says ${s.bill} of ${s.energyMwh} mWh`);
  return { ok, lines, statement: s };
}
