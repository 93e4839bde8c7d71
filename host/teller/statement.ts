/**
 * A period's bill as a statement (issue 12): which verified readings it covers (first and last
 * seq, the hash of the last one: the chain head), the energy they measured, the prices used
 * (each with its source and time) and the amount. Its SHA-256 over canonical JSON is what the
 * anchor puts on the ledger, so anyone holding the readings can recompute it.
 *
 * Only the gateway's store is read: readings there are verified (signed, or chained to a signed
 * one). Periods follow each other by seq — a period bills the readings after the previous
 * period's last seq whose time is before its end — so no reading is billed twice or skipped,
 * even when one arrives late. A reading is billed at the device's time when its clock was set,
 * else at the time the gateway received it.
 */
import { createHash } from "node:crypto";
import type { Db } from "../gateway/store-sqlite";
import { decodeReading, type Reading } from "../../shared/protocol/reading";
import { assetKey, fromStroops, type AssetId } from "../ledger/ledger";
import type { Period } from "./periods";

/** The kWh price in force at a time, where it came from, and when that source set it. */
export interface Price {
  pricePerKwh: bigint;
  source: string;
  /** Unix seconds the price was set or last confirmed. */
  at: number;
}

export type PriceAt = (unixS: number) => Price;

export interface Statement {
  v: 1;
  network: string;
  project: string;
  device: string;
  period: string;
  from: number;
  to: number;
  /** First and last seq billed; null when the period had no new reading. */
  firstSeq: number | null;
  lastSeq: number | null;
  /** Hex SHA-256 of the last billed reading's bytes (the chain head), "" when none. */
  head: string;
  energyMwh: number;
  asset: string;
  /** Per price used: the source, the price (decimal per kWh), when it was set, the energy at it. */
  prices: { source: string; pricePerKwh: string; at: number; energyMwh: number }[];
  /** Decimal amount of the asset. */
  bill: string;
}

interface Row {
  seq: number;
  bytes: Buffer;
  received_at: number;
}

/** A stored reading with the time it is billed at. */
export interface Billable {
  seq: number;
  reading: Reading;
  /** The device's clock when it knew the time, else when the gateway received it (Unix s). */
  time: number;
}

function billable(r: Row): Billable {
  const reading = decodeReading(new Uint8Array(r.bytes));
  return { seq: r.seq, reading, time: reading.timeQuality > 0 ? reading.time : Math.floor(r.received_at / 1000) };
}

/** The reading stored at `seq` for a device. */
export function storedReading(db: Db, device: string, seq: number): Billable | undefined {
  const r = db.prepare("SELECT seq, bytes, received_at FROM readings WHERE device = ? AND seq = ?").get(device, seq) as Row | undefined;
  return r && billable(r);
}

/** The newest stored reading of a device. */
export function newestReading(db: Db, device: string): Billable | undefined {
  const r = db.prepare("SELECT seq, bytes, received_at FROM readings WHERE device = ? ORDER BY seq DESC LIMIT 1").get(device) as Row | undefined;
  return r && billable(r);
}

/** The first stored reading after `afterSeq` (null: the first of all). */
export function firstAfter(db: Db, device: string, afterSeq: number | null): Billable | undefined {
  const r = db.prepare("SELECT seq, bytes, received_at FROM readings WHERE device = ? AND seq > ? ORDER BY seq LIMIT 1").get(device, afterSeq ?? -1) as Row | undefined;
  return r && billable(r);
}

/**
 * The statement of `period` for a device: the readings after `afterSeq` (null: from the first
 * stored one, which is the baseline and not billed) whose time is before the period's end.
 */
export function makeStatement(
  db: Db, o: { network: string; project: string; device: string; asset: AssetId; period: Period; afterSeq: number | null; priceAt: PriceAt },
): Statement {
  const rows = db.prepare("SELECT seq, bytes, received_at FROM readings WHERE device = ? AND seq > ? ORDER BY seq").iterate(o.device, o.afterSeq ?? -1) as IterableIterator<Row>;
  let prevEnergy = o.afterSeq === null ? undefined : storedReading(db, o.device, o.afterSeq)?.reading.energyIn;
  let first: number | null = null;
  let last: number | null = null;
  let head = "";
  let energy = 0;
  let owed = 0n; // stroops × 1,000,000 (mWh × stroops per kWh): rounded once at the end
  const prices = new Map<string, { source: string; pricePerKwh: bigint; at: number; energyMwh: number }>();
  for (const row of rows) {
    const { reading: r, time } = billable(row);
    if (time >= o.period.to) break;
    if (prevEnergy !== undefined) {
      const mwh = Math.max(0, r.energyIn - prevEnergy);
      const p = o.priceAt(time);
      const k = `${p.source}|${p.pricePerKwh}`;
      const seen = prices.get(k) ?? { source: p.source, pricePerKwh: p.pricePerKwh, at: p.at, energyMwh: 0 };
      seen.energyMwh += mwh;
      prices.set(k, seen);
      energy += mwh;
      owed += BigInt(mwh) * p.pricePerKwh;
    }
    prevEnergy = r.energyIn;
    if (first === null) first = row.seq;
    last = row.seq;
    head = createHash("sha256").update(row.bytes).digest("hex");
  }
  return {
    v: 1, network: o.network, project: o.project, device: o.device, period: o.period.id, from: o.period.from, to: o.period.to,
    firstSeq: first, lastSeq: last, head, energyMwh: energy, asset: assetKey(o.asset),
    prices: [...prices.values()].map((p) => ({ source: p.source, pricePerKwh: fromStroops(p.pricePerKwh), at: p.at, energyMwh: p.energyMwh })),
    bill: fromStroops((owed + 500_000n) / 1_000_000n),
  };
}

/** Canonical JSON: keys sorted at every level, no spaces; what the digest covers. */
export function statementJson(s: Statement): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sorted(s));
}

/** SHA-256 of the statement's canonical JSON: the anchor's memo hash. */
export function statementDigest(s: Statement): Buffer {
  return createHash("sha256").update(statementJson(s)).digest();
}

