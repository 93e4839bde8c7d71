/**
 * A gateway database with a device's signed readings (a day and an hour, one a minute, from
 * 1 Jan 2026), a local ledger with a funded project and customer, and a postpaid teller over
 * them on a fixed clock (2 Jan 02:00): one daily period ready to close, anchor and autopay.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair } from "@stellar/stellar-base";
import { openStore, ReadingStore, type Db } from "../../host/gateway/store-sqlite";
import { Registry } from "../../host/gateway/registry";
import { MemoryLogger } from "../../host/gateway/log";
import { LocalLedger } from "../../host/ledger/local-ledger";
import type { Ledger } from "../../host/ledger/ledger";
import { Teller, type TellerOptions } from "../../host/teller/teller";
import { decodeFrame } from "../../shared/protocol/frame";
import { readingHash } from "../../shared/protocol/reading";
import { TestDevice } from "../host/gateway/helpers";

export const XLM = 10_000_000n;

/** The caller removes `dir`. */
export async function billedWorld() {
  const dir = mkdtempSync(join(tmpdir(), "solkit-billed-"));
  const nowMs = (1767225600 + 26 * 3600) * 1000; // 2 Jan 2026, 02:00
  const ledger = new LocalLedger(join(dir, "ledger.db"), { now: () => Math.floor(nowMs / 1000) });
  const project = Keypair.random();
  const customer = Keypair.random();
  await ledger.fund(project.publicKey(), "10");
  await ledger.fund(customer.publicKey(), "100");
  const db: Db = openStore(join(dir, "gateway.db"));
  const dev = new TestDevice();
  new Registry(db).add({ id: dev.id, hmacKey: dev.hmacKey });
  const store = new ReadingStore(db);
  db.transaction(() => {
    // One commit for all (as the gateway batches them): 1,500 fsyncs would cost a second a test.
    for (let i = 0; i < 1500; i++) {
      const f = decodeFrame(dev.next());
      store.add({ device: dev.id, seq: i, bytes: f.message, sig: f.signature, hash: readingHash(f.message), bySeq: i, receivedAt: nowMs });
    }
  })();
  const make = (l: Ledger, extra: Partial<TellerOptions> = {}) =>
    new Teller({
      db, ledger: l, project: project.publicKey(), logger: new MemoryLogger(), now: () => nowMs, deliver: () => true, notice: () => {},
      tariff: { asset: "native", pricePerDay: XLM, pricePerKwh: 2n * XLM / 10n, bands: [] }, systemValue: 100n * XLM,
      mode: "postpaid", period: { kind: "days", days: 1 }, graceS: 3 * 86400, instalment: XLM, projectKey: project, payerOf: () => customer,
      ...extra,
    });
  return { dir, db, ledger, project, customer, dev, make };
}

