/**
 * The teller's costs (issue 12): closing one billing period for 10,000 devices (a day of hourly
 * readings each) beside reading and decoding the same readings, which any bill must do; and
 * payments through the local ledger beside stellar-base's own sign + verify of the same
 * envelope (the part of a submission no ledger can skip).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Account, Asset, Keypair, Memo, Operation, TransactionBuilder } from "@stellar/stellar-base";
import { opsPerSecond, type Row } from "./harness";
import { openStore } from "../host/gateway/store-sqlite";
import { MemoryLogger } from "../host/gateway/log";
import { LocalLedger } from "../host/ledger/local-ledger";
import { Billing } from "../host/teller/billing";
import { periodOf } from "../host/teller/periods";
import { decodeReading, encodeReading, readingHash } from "../shared/protocol/reading";
import { encodePublicKey } from "../shared/crypto/strkey";

const DEVICES = 10_000;
const DAY0 = 1_767_225_600; // 1 Jan 2026

export async function tellerRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "solkit-bench-teller-"));
  try {
    return [...billRows(dir), ...(await ledgerRows(dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function billRows(dir: string): Row[] {
  const db = openStore(join(dir, "gateway.db"));
  const ids: string[] = [];
  const insert = db.prepare("INSERT INTO readings (device, seq, bytes, sig, hash, by_seq, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    for (let d = 0; d < DEVICES; d++) {
      const key = new Uint8Array(32);
      new DataView(key.buffer).setUint32(0, d + 1);
      const id = encodePublicKey(key);
      ids.push(id);
      let prev: Uint8Array = new Uint8Array(32);
      for (let h = 0; h <= 25; h++) {
        const bytes = encodeReading({
          flags: 0, timeQuality: 1, relay: 1, outbox: 0, deviceId: key, seq: h, dropped: 0, time: DAY0 + h * 3600, uptime: h * 3600, boot: 1,
          interval: 3600, energyIn: h * 60_000, energyOut: 0, power: 60_000, credit: 86_400, prev,
        });
        prev = readingHash(bytes);
        insert.run(id, h, bytes, new Uint8Array(0), prev, h, (DAY0 + h * 3600) * 1000);
      }
    }
  })();
  db.exec("CREATE TABLE IF NOT EXISTS teller_devices (device TEXT PRIMARY KEY, paid TEXT NOT NULL DEFAULT '0', billed TEXT NOT NULL DEFAULT '0', due TEXT NOT NULL DEFAULT '0')");
  const insDev = db.prepare("INSERT OR IGNORE INTO teller_devices (device) VALUES (?)");
  db.transaction(() => ids.forEach((id) => insDev.run(id)))();
  const billing = new Billing({
    db, ledger: { networkPassphrase: "bench" } as never, project: ids[0], asset: "native", period: { kind: "days", days: 1 }, logger: new MemoryLogger(),
    priceAt: (t) => ({ pricePerKwh: 2_000_000n, source: "fixed", at: t }),
  });
  // Baseline: read and decode one device's readings of the period (what any bill has to do).
  const sel = db.prepare("SELECT bytes FROM readings WHERE device = ? ORDER BY seq");
  let k = 0;
  const readDecode = opsPerSecond(() => {
    for (const r of sel.all(ids[k++ % DEVICES]) as { bytes: Buffer }[]) decodeReading(new Uint8Array(r.bytes));
  });
  const t0 = performance.now();
  let bills = 0;
  for (const id of ids) bills += billing.closeDue(id, DAY0 + 26 * 3600).length;
  const billsPerS = (bills * 1000) / (performance.now() - t0);
  db.close();
  if (bills !== DEVICES) throw new Error(`expected ${DEVICES} bills, made ${bills} (period ${periodOf({ kind: "days", days: 1 }, DAY0).id})`);
  return [
    { section: "teller", name: "read + decode a device's day of readings (baseline)", value: readDecode, unit: "dev/s", ratio: 1 },
    { section: "teller", name: `close a period: statement + bill, ${DEVICES.toLocaleString("en-US")} devices`, value: billsPerS, unit: "bill/s", ratio: billsPerS / readDecode, note: `${(DEVICES / billsPerS).toFixed(1)} s for the fleet's period` },
  ];
}

async function ledgerRows(dir: string): Promise<Row[]> {
  const ledger = new LocalLedger(join(dir, "ledger.db"));
  const a = Keypair.random();
  const b = Keypair.random();
  await ledger.fund(a.publicKey(), "1000000");
  await ledger.fund(b.publicKey(), "10");
  const seq0 = ledger.accountNow(a.publicKey())!.sequence;
  const N = 2000;
  const envelopes: string[] = [];
  let last: ReturnType<TransactionBuilder["build"]> | undefined;
  for (let i = 0; i < N; i++) {
    const tx = new TransactionBuilder(new Account(a.publicKey(), (seq0 + BigInt(i)).toString()), { fee: "100", networkPassphrase: ledger.networkPassphrase })
      .addOperation(Operation.payment({ destination: b.publicKey(), asset: Asset.native(), amount: "1" })).addMemo(Memo.hash("cd".repeat(32))).setTimeout(0).build();
    tx.sign(a);
    envelopes.push(tx.toEnvelope().toXDR("base64"));
    last = tx;
  }
  // Baseline: stellar-base signing the envelope and checking the signature, in the same run.
  const hash = last!.hash();
  const signVerify = opsPerSecond(() => {
    const sig = a.sign(hash);
    if (!a.verify(hash, sig)) throw new Error("verify");
  });
  const t0 = performance.now();
  for (const e of envelopes) {
    const r = ledger.submitNow(e);
    if (!r.successful) throw new Error(`payment refused: ${r.transaction}`);
  }
  const pps = (N * 1000) / (performance.now() - t0);
  ledger.close();
  return [
    { section: "teller", name: "stellar-base sign + verify of one envelope (baseline)", value: signVerify, unit: "op/s", ratio: 1 },
    { section: "teller", name: "payments applied by the local ledger (parse, check, apply, fsync)", value: pps, unit: "tx/s", ratio: pps / signVerify },
  ];
}
