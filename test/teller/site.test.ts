/**
 * The teller end to end on virtual time (issue 12): the built ESP32 firmware on the emulated
 * board (a 60 W load on its relay), the real gateway with the teller inside it, the local ledger
 * with real envelopes. A month billed from verified readings, anchored and paid by autopay; an
 * empty wallet: notice, reminder, the relay opens when the grace runs out, and money in the
 * wallet closes it within a reading interval; ownership reaches 100 % and unlocks for good.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ensureFirmware } from "../../simulator/scenario/artifact";
import { loadBoard } from "../../boards/validate";
import { TellerSite, type SiteOptions } from "../../simulator/teller/site";
import { toStroops } from "../../host/ledger/ledger";
import { verifyAnchor } from "../../host/teller/verify-anchor";
import { decodeReading } from "../../shared/protocol/reading";
import type { Statement } from "../../host/teller/statement";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const XLM = 10_000_000n;
let site: TellerSite | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

const POSTPAID = { asset: "XLM", mode: "postpaid", period: "month", pricePerDay: "1", pricePerKwh: "0.2", systemValue: "50", instalment: "5", graceDays: 3, noticeDays: 2, reminderHours: 6 };

async function start(o: Partial<SiteOptions> & { teller: Record<string, unknown>; startUnixS: number }): Promise<TellerSite> {
  const fw = await ensureFirmware("esp32-devkitc");
  site = await TellerSite.start({
    board: loadBoard("esp32-devkitc"), firmware: fw.code, seed: 7, customerXlm: "100", stepMs: 30 * 60_000, pollMs: 30 * 60_000,
    loads: [{ watts: 60, from: "00:00", to: "23:59" }], device: { intervalS: 3600, signEvery: 4 }, ...o,
  });
  return site;
}

/** Energy the gateway stored for the device between two seqs, from the readings' own registers. */
function storedEnergy(s: TellerSite, fromSeq: number, toSeq: number): number {
  const at = (seq: number) => decodeReading(new Uint8Array((s.host.gateway.db.prepare("SELECT bytes FROM readings WHERE device = ? AND seq = ?").get(s.rig.id, seq) as { bytes: Buffer }).bytes));
  return at(toSeq).energyIn - at(fromSeq).energyIn;
}

describe("the teller on a simulated site", () => {
  it("postpaid: November billed from verified readings, anchored, paid by autopay; the relay never opens", async () => {
    // A monthly period; the site starts on the 24th (a month of board emulation would take a
    // minute of CI for no further check), so November's bill runs from the first reading.
    const s = await start({ autopay: true, teller: POSTPAID, startUnixS: Date.UTC(2026, 10, 24) / 1000 });
    let closedOnce = false;
    let openAfter = 0;
    await s.run(8 * DAY, () => {
      if (s.rig.relayClosed()) closedOnce = true;
      else if (closedOnce) openAfter++;
    });
    expect(closedOnce).toBe(true);
    expect(openAfter).toBe(0);
    const [bill, ...more] = s.teller.bills();
    expect(more).toEqual([]);
    expect(bill).toMatchObject({ period: "2026-11", anchor_state: "anchored", pay_state: "paid" });
    const st = JSON.parse(bill.statement) as Statement;
    // Energy billed = energy verified: the registers of the first and last billed readings.
    expect(st.energyMwh).toBe(storedEnergy(s, st.firstSeq!, st.lastSeq!));
    expect(st.energyMwh).toBeGreaterThan(9_000_000); // 60 W for a week, less the first hours on no credit
    expect(toStroops(st.bill)).toBe((BigInt(st.energyMwh) * 2n * XLM / 10n + 500_000n) / 1_000_000n);
    expect(BigInt(bill.due)).toBe(toStroops(st.bill) + 5n * XLM);
    // The ledger moved by exactly the bill and instalment (and fees: 100 stroops a transaction).
    expect(s.balance(s.customer)).toBe(100n * XLM - BigInt(bill.due) - 100n);
    expect(s.balance(s.project)).toBe(20n * XLM + BigInt(bill.due) - 100n);
    // Anyone with the readings and the ledger can prove the bill.
    const v = await verifyAnchor(s.ledger, bill.anchor_hash!, s.host.gateway.db);
    expect(v.lines.filter((l) => l.startsWith("✗"))).toEqual([]);
    expect(v.ok).toBe(true);
    expect(s.notices.map((n) => n.code)).toEqual(["payment"]);
    const status = s.teller.status()[0];
    expect(status).toMatchObject({ owed: 0n, period: "2026-12", ownershipPpm: 100_000 });
    // The host speaks (issue 13): one line per verified batch, per token sent, per payment and notice.
    const log = s.host.logger;
    expect(log.find("verified").length).toBeGreaterThan(40);
    expect(log.find("verified")[0].text).toMatch(/^device=G\w{55} seq \d+\.\.\d+ ✓ \d+\.\d{3} kWh, \d+ W, relay (open|closed), credit [\d.]+ [dh]$/);
    expect(log.find("teller", "token 1 sent").length).toBeGreaterThan(0);
    expect(log.find("notice", "payment: paid").length).toBe(1);
    expect(log.find("teller", "period 2026-11 billed").length).toBe(1);
  }, 120_000);

  it("postpaid, empty wallet: notice at once, reminder, the relay opens after the grace; money in the wallet closes it within an hour", async () => {
    const s = await start({ autopay: true, teller: POSTPAID, startUnixS: Date.UTC(2026, 10, 27) / 1000, customerXlm: "2" });
    await s.run(4 * DAY + 2 * HOUR); // into December: November's bill is due and cannot be paid
    expect(s.teller.bills()[0]).toMatchObject({ period: "2026-11", pay_state: "owed" });
    expect(s.notices.map((n) => n.code)).toEqual(["payment-failed"]);
    expect(s.notices[0].text).toMatch(/holds less than/);
    expect(s.rig.relayClosed()).toBe(true); // the grace period
    let opened = -1;
    await s.run(3 * DAY, () => {
      if (opened < 0 && !s.rig.relayClosed()) opened = s.nowMs;
    });
    expect(s.notices.map((n) => n.code)).toEqual(["payment-failed", "credit-low", "reminder", "lapsed"]);
    // The device's own clock: December 1st + 3 days of grace.
    expect(Math.abs(opened - Date.UTC(2026, 11, 4))).toBeLessThan(2 * HOUR);
    expect(s.rig.relayClosed()).toBe(false);
    await s.fundCustomer("50");
    const funded = s.nowMs;
    let closed = -1;
    await s.run(3 * HOUR, () => {
      if (closed < 0 && s.rig.relayClosed()) closed = s.nowMs;
    });
    expect(closed).toBeGreaterThan(0);
    expect(closed - funded).toBeLessThanOrEqual(HOUR);
    expect(s.teller.bills()[0].pay_state).toBe("paid");
    expect(s.notices.map((n) => n.code).slice(4)).toEqual(["payment"]);
  }, 120_000);

  it("prepaid: ownership reaches 100 % and the device is unlocked for good", async () => {
    const s = await start({ teller: { asset: "XLM", pricePerDay: "1", pricePerKwh: "0.2", systemValue: "3.5", noticeDays: 1 }, startUnixS: Date.UTC(2026, 10, 1) / 1000 });
    expect((await s.pay("3")).successful).toBe(true);
    await s.run(12 * HOUR);
    expect(s.rig.relayClosed()).toBe(true);
    expect((await s.pay("1")).successful).toBe(true); // 4 paid, nothing billed yet: past the system's 3.5
    await s.run(2 * HOUR);
    expect(s.notices.map((n) => n.code)).toEqual(["payment", "payment", "unlocked"]);
    await s.run(5 * DAY); // beyond the 4 days bought
    expect(s.rig.relayClosed()).toBe(true);
    expect(s.teller.status()[0]).toMatchObject({ unlocked: true, ownershipPpm: 1_000_000, next: "none: unlocked for good" });
    expect(s.teller.bills()).toEqual([]); // billing stopped with the unlock
  }, 120_000);
});
