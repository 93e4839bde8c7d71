/**
 * What the dashboard shows, read from the gateway's database in one go (issue 13): devices
 * with their latest verified state and credit, their latest readings with their place in the
 * chain, and the teller's bills, payments and notices. Amounts are decimal strings of the
 * ledger's asset; times are Unix ms unless named `…S`.
 */
import type { Db } from "../gateway/store-sqlite";
import type { Registry } from "../gateway/registry";
import type { Teller } from "../teller/teller";
import { decodeReading, FLAG_UNLOCKED, type Reading } from "../../shared/protocol/reading";
import { fromStroops } from "../ledger/ledger";

/** Readings per device the page gets at once (its charts keep what arrives live after). */
export const READINGS_KEPT = 500;

export interface ReadingView {
  seq: number;
  /** Device time (Unix s) when its clock was set, else when received. */
  t: number;
  power: number;
  energyIn: number;
  relay: number;
  credit: number | "unlocked";
  /** The seq whose signature proved this reading. */
  bySeq: number;
}

export function readingView(r: Reading, receivedAt: number, bySeq: number): ReadingView {
  return {
    seq: r.seq, t: r.timeQuality > 0 ? r.time : Math.floor(receivedAt / 1000), power: r.power, energyIn: r.energyIn, relay: r.relay,
    credit: (r.flags & FLAG_UNLOCKED) !== 0 ? "unlocked" : r.credit, bySeq,
  };
}

/**
 * The state the page loads. Readings only for `device` (default the first one): a fleet's page
 * would otherwise fetch hundreds of readings for every device at each refresh.
 */
export function snapshot(o: { db: Db; registry: Registry; teller?: Teller; site: string; adminEnabled: boolean; now: number; device?: string }) {
  const tellerRows = new Map((o.teller?.status() ?? []).map((s) => [s.device, s]));
  const readings: Record<string, (ReadingView & { receivedAt: number })[]> = {};
  const all = o.registry.list();
  const chosen = all.some((d) => d.id === o.device) ? o.device : all[0]?.id;
  const devices = all.map((d) => {
    const rows = o.db.prepare("SELECT bytes, received_at, by_seq FROM readings WHERE device = ? ORDER BY seq DESC LIMIT ?").all(d.id, d.id === chosen ? READINGS_KEPT : 1) as { bytes: Buffer; received_at: number; by_seq: number }[];
    const list = rows.reverse().map((r) => ({ ...readingView(decodeReading(new Uint8Array(r.bytes)), r.received_at, r.by_seq), receivedAt: r.received_at }));
    if (d.id === chosen) readings[d.id] = list;
    const last = list[list.length - 1];
    const t = tellerRows.get(d.id);
    return {
      id: d.id, name: d.name, board: d.board, lastSeen: d.lastSeen, lastSeq: d.lastSeq, verified: d.verified, rejected: d.rejected, link: d.lastLink,
      relay: last?.relay ?? null, power: last?.power ?? null, energyIn: last?.energyIn ?? null,
      credit: last?.credit ?? null, creditAt: last?.receivedAt ?? null,
      teller: t && {
        paid: fromStroops(t.paid), billed: fromStroops(t.billed), owed: fromStroops(t.owed), ownership: t.ownershipPpm / 10_000, period: t.period,
        periodEnergyKwh: t.periodEnergyMwh / 1e6, periodBill: fromStroops(t.periodBill), next: t.next, nextAt: t.nextAt ?? null, unlocked: t.unlocked,
      },
    };
  });
  const bills = (o.teller?.bills() ?? []).slice(-100).reverse().map((b) => {
    const st = JSON.parse(b.statement) as { energyMwh: number; bill: string; firstSeq: number | null; lastSeq: number | null };
    return { device: b.device, period: b.period, energyKwh: st.energyMwh / 1e6, bill: st.bill, due: fromStroops(BigInt(b.due)), seqs: [st.firstSeq, st.lastSeq], anchorState: b.anchor_state, anchorTx: b.anchor_hash, payState: b.pay_state, payTx: b.pay_hash };
  });
  const payments = (o.teller?.payments(100) ?? []).map((p) => ({ ...p, amount: fromStroops(p.amount) }));
  const notices = o.teller?.notices(100) ?? [];
  return { site: o.site, now: o.now, adminEnabled: o.adminEnabled, teller: o.teller !== undefined, devices, readings, bills, payments, notices };
}
