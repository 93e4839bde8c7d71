/**
 * The demo's story on virtual time (issue 13): every step in order, and the amounts add up —
 * energy billed = energy the verified readings measured, and the ledger moved by exactly the
 * payments (plus fees), with the wallet's top-up the only other money.
 */
import { describe, expect, it } from "vitest";
import { ensureFirmware } from "../../simulator/scenario/artifact";
import { loadBoard } from "../../boards/validate";
import { runStory } from "../../simulator/teller/story";
import { toStroops } from "../../host/ledger/ledger";
import { decodeReading } from "../../shared/protocol/reading";
import type { Statement } from "../../host/teller/statement";

const XLM = 10_000_000n;

describe("the npm start story", () => {
  it("days billed and paid, the wallet runs dry, notice, reminder, lapse, top-up, relay closed; amounts add up", async () => {
    const fw = await ensureFirmware("esp32-devkitc");
    const { site, events } = await runStory({ board: loadBoard("esp32-devkitc"), firmware: fw.code, speed: 1e9, days: 7, httpPort: 0, onUrl: () => {}, line: () => {} });
    try {
      const kinds = events.map((e) => (e.kind === "notice" ? e.text.split(":")[0] : e.kind));
      const order = ["info", "relay", "day", "pay", "payment-failed", "reminder", "lapsed", "relay", "top-up", "pay", "relay"];
      let at = 0;
      for (const k of order) {
        const i = kinds.indexOf(k, at);
        expect(i, `${k} after step ${at} in ${kinds.join(", ")}`).toBeGreaterThanOrEqual(0);
        at = i + 1;
      }
      expect(events.filter((e) => e.kind === "relay").map((e) => e.text.split(":")[0])).toEqual(["relay closed", "relay open", "relay closed"]);

      const bills = site.teller.bills();
      expect(bills.length).toBe(6);
      const db = site.host.gateway.db;
      const energyAt = (seq: number) => decodeReading(new Uint8Array((db.prepare("SELECT bytes FROM readings WHERE device = ? AND seq = ?").get(site.rig.id, seq) as { bytes: Buffer }).bytes)).energyIn;
      const statements = bills.map((b) => JSON.parse(b.statement) as Statement);
      const billed = statements.reduce((n, s) => n + s.energyMwh, 0);
      expect(billed).toBe(energyAt(statements[statements.length - 1].lastSeq!) - energyAt(statements[0].firstSeq!));
      for (let i = 1; i < statements.length; i++) expect(statements[i].firstSeq).toBe(statements[i - 1].lastSeq! + 1); // no reading twice or skipped

      const paid = bills.filter((b) => b.pay_state === "paid").reduce((n, b) => n + BigInt(b.due), 0n);
      const payments = events.filter((e) => e.kind === "pay").length;
      expect(bills.filter((b) => b.pay_state === "paid").length).toBe(payments);
      expect(site.balance(site.customer)).toBe(toStroops("2.6") + 5n * XLM - paid - BigInt(payments) * 100n);
      expect(site.balance(site.project)).toBe(20n * XLM + paid - BigInt(bills.filter((b) => b.anchor_state === "anchored").length) * 100n);
    } finally {
      await site.close();
    }
  }, 180_000);
});
