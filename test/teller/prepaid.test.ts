/**
 * The prepaid teller end to end on virtual time (issue 12): the device program on the fake
 * board, the local ledger with real envelopes, the registry and the teller. A payment becomes
 * days of supply on the device and its relay closes; as credit runs down the customer gets a
 * notice, then a reminder; at zero the device's own clock opens the relay; a later payment
 * closes it. A teller killed between making a token and sending it sends the same token after
 * the restart, never a second one. Payments beyond the energy bill buy the system; at 100 %
 * the device is unlocked for good.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair, Memo } from "@stellar/stellar-base";
import { LocalLedger } from "../../host/ledger/local-ledger";
import { openStore, ReadingStore, type Db } from "../../host/gateway/store-sqlite";
import { createHash } from "node:crypto";
import { Registry } from "../../host/gateway/registry";
import { TokenIssuer } from "../../host/gateway/tokens";
import { MemoryLogger } from "../../host/gateway/log";
import { Teller, type Notice } from "../../host/teller/teller";
import type { Tariff } from "../../host/teller/tariff";
import { encodeFrameBody } from "../../shared/protocol/frame";
import { HOST_KEY, ackBody, framesOf } from "../firmware/fake-host";
import { decodeReading } from "../../shared/protocol/reading";
import { rig, type Rig } from "../firmware/harness";

const XLM = 10_000_000n;
const HOUR = 3_600_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A site: one device, the ledger, the gateway's database, and a teller over them, on one virtual clock. */
async function site() {
  const dir = mkdtempSync(join(tmpdir(), "solkit-teller-"));
  dirs.push(dir);
  let nowMs = 1_800_000_000_000;
  const ledger = new LocalLedger(join(dir, "ledger.db"), { now: () => Math.floor(nowMs / 1000) });
  const project = Keypair.random();
  const customer = Keypair.random();
  await ledger.fund(project.publicKey(), "10");
  await ledger.fund(customer.publicKey(), "1000");
  const r: Rig = rig({ tickMs: 10_000 }, { intervalS: 3600, signEvery: 1 });
  const db: Db = openStore(join(dir, "gateway.db"));
  new Registry(db).add({ id: r.id, hmacKey: HOST_KEY });
  const store = new ReadingStore(db);
  const tariff: Tariff = { asset: "native", pricePerDay: 1n * XLM, pricePerKwh: 2n * XLM / 10n, bands: [] };
  const notices: Notice[] = [];
  const log = new MemoryLogger();
  let linkUp = true;
  const answers: string[] = [];
  const makeTeller = () =>
    new Teller({
      db, ledger, project: project.publicKey(), tariff, systemValue: 30n * XLM, logger: log, now: () => nowMs,
      deliver: (_id, frame) => {
        if (!linkUp) return false;
        answers.push(r.device.receive(encodeFrameBody(frame)));
        return true;
      },
      notice: (n) => notices.push(n),
      retryMs: HOUR,
    });
  let teller = makeTeller();
  let linesSoFar = 0;
  let lastSeq = -1;
  const s = {
    r, ledger, db, notices, answers, log,
    get teller() {
      return teller;
    },
    restart() {
      teller = makeTeller();
    },
    setLink(up: boolean) {
      linkUp = up;
    },
    pay: async (xlm: string, memo = r.id.slice(0, 28)) => {
      const res = await ledger.pay(customer, project.publicKey(), "native", xlm, Memo.text(memo));
      expect(res.successful).toBe(true);
      return res;
    },
    /**
     * Lets `hours` pass on every clock, with `kwh` of energy per hour. As the gateway would, each
     * new reading is stored (all are signed here: verified), goes to the teller once and is acked
     * (else the device resends its outbox).
     */
    hours: async (hours: number, kwh = 0) => {
      for (let h = 0; h < hours; h++) {
        r.board.pulses += kwh * 1000; // 1000 imp/kWh
        r.board.advance(HOUR);
        nowMs += HOUR;
        const fresh = framesOf(r.board.sent.slice(linesSoFar)).map((f) => ({ f, reading: decodeReading(f.message) })).filter((x) => x.reading.seq > lastSeq);
        linesSoFar = r.board.sent.length;
        for (const x of fresh) {
          const hash = createHash("sha256").update(x.f.message).digest();
          store.add({ device: r.id, seq: x.reading.seq, bytes: x.f.message, sig: x.f.signature, hash, bySeq: x.reading.seq, receivedAt: nowMs });
          teller.onReading(r.id, x.reading);
          lastSeq = x.reading.seq;
        }
        if (lastSeq >= 0) r.device.receive(ackBody(r.deviceId, lastSeq));
        await teller.poll();
      }
    },
  };
  return s;
}

describe("the prepaid teller", () => {
  it("a payment closes the relay; notice, reminder and lapse as credit runs out; a top-up closes it again", async () => {
    const s = await site();
    expect(s.r.board.relayClosed).toBe(false);
    await s.pay("3");
    await s.teller.poll();
    expect(s.answers).toEqual(["ok"]);
    expect(s.r.device.creditSeconds()).toBe(3 * 86400);
    s.r.board.advance(10_000);
    expect(s.r.board.relayClosed).toBe(true);
    expect(s.notices.map((n) => n.code)).toEqual(["payment"]);

    await s.hours(26, 1); // 46 h left: under the 2-day mark
    expect(s.notices.map((n) => n.code)).toEqual(["payment", "credit-low"]);
    await s.hours(42, 1);
    expect(s.notices.map((n) => n.code)).toEqual(["payment", "credit-low", "reminder"]);
    await s.hours(5, 1);
    expect(s.r.board.relayClosed).toBe(false); // the device's own clock: 72 h are up
    expect(s.notices.map((n) => n.code)).toEqual(["payment", "credit-low", "reminder", "lapsed"]);

    await s.pay("1");
    await s.hours(1); // the payment is taken and its token sent at the end of this hour
    expect(s.r.board.relayClosed).toBe(true);
    await s.hours(1); // the next reading shows the credit: the token counts as arrived
    // One day bought: the payment, and at once the notice that it is under the 2-day mark.
    expect(s.notices.slice(4).map((n) => [n.code, n.level])).toEqual([["payment", "info"], ["credit-low", "warn"]]);
    const st = s.teller.status()[0];
    expect(st).toMatchObject({ device: s.r.id, paid: 4n * XLM, tokensWaiting: 0, unlocked: false });
    // 73 kWh metered; billing starts at the first stored reading (the energy before it is not
    // this customer's to pay): 72 kWh at 0.2 XLM so far this month, from verified readings only.
    expect(st).toMatchObject({ billed: 0n, periodEnergyMwh: 72_000_000, periodBill: (72n * 2n * XLM) / 10n });
  }, 60_000);

  it("a kill between making the token and sending it: the restart sends the same token, not a second one", async () => {
    const s = await site();
    s.setLink(false); // the device is away: the token is made and kept, not sent
    await s.pay("2");
    await s.teller.poll();
    expect(s.answers).toEqual([]);
    const issued = new TokenIssuer(s.db).lastCounter(s.r.id);
    expect(issued).toBe(1);
    s.restart(); // as after kill -9: nothing in memory
    s.setLink(true);
    await s.teller.poll();
    await s.teller.poll();
    expect(s.answers).toEqual(["ok"]);
    expect(new TokenIssuer(s.db).lastCounter(s.r.id)).toBe(1);
    expect(s.r.device.creditSeconds()).toBe(2 * 86400);
    // Not seen applied (no reading yet) and past the retry time: the same bytes again, refused as a replay, no effect.
    await s.hours(2);
    expect(s.r.device.creditSeconds()).toBe(2 * 86400 - 2 * 3600);
    expect(s.teller.status()[0].tokensWaiting).toBe(0);
  }, 60_000);

  it("an unknown memo is a notice, never credit; payments beyond the energy bill unlock the device for good", async () => {
    const s = await site();
    await s.pay("5", "GZZZZZZZZZZZZZZZZZZZZZZZZZZZ"); // a memo naming no registered device
    await s.teller.poll();
    expect(s.notices.map((n) => n.code)).toEqual(["unknown-payment"]);
    expect(s.notices[0].text).toMatch(/names no registered device in its memo "GZZZ.*solkit credit add/);
    expect(s.r.device.creditSeconds()).toBe(0);
    await s.hours(1, 2);
    await s.pay("31"); // 31 XLM paid, no period closed yet: 31 beyond the bills ≥ the system's 30
    await s.teller.poll();
    await s.hours(1);
    expect(s.notices.map((n) => n.code)).toEqual(["unknown-payment", "payment", "unlocked"]);
    expect(s.r.device.creditSeconds()).toBe(-1);
    expect(s.teller.status()[0]).toMatchObject({ unlocked: true, ownershipPpm: 1_000_000, next: "none: unlocked for good" });
    await s.hours(24 * 40);
    expect(s.r.board.relayClosed).toBe(true); // 40 days later, no payment: still on
    expect(s.notices.map((n) => n.code)).toEqual(["unknown-payment", "payment", "unlocked"]);
  }, 120_000);
});
