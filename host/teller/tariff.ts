/**
 * What power costs (issue 12): a price per day of supply (what a prepaid payment buys, as PAYGo
 * sells days), a price per kWh (what verified energy is billed at), and time-of-use bands that
 * replace the kWh price in their hours. Amounts are stroops of the tariff's asset.
 */
import type { AssetId } from "../ledger/ledger";

export interface Band {
  /** Minutes after midnight, UTC: from (inclusive) to (exclusive); from > to wraps midnight. */
  from: number;
  to: number;
  pricePerKwh: bigint;
}

export interface Tariff {
  asset: AssetId;
  pricePerDay: bigint;
  pricePerKwh: bigint;
  bands: Band[];
}

/** The kWh price at `unixS` and where it came from (recorded with each bill). */
export function priceAt(t: Tariff, unixS: number): { pricePerKwh: bigint; source: string } {
  const minute = Math.floor((((unixS % 86400) + 86400) % 86400) / 60);
  for (const b of t.bands) {
    const inside = b.from <= b.to ? minute >= b.from && minute < b.to : minute >= b.from || minute < b.to;
    if (inside) return { pricePerKwh: b.pricePerKwh, source: `band ${hhmm(b.from)}-${hhmm(b.to)}` };
  }
  return { pricePerKwh: t.pricePerKwh, source: "fixed" };
}

/** Seconds of supply a payment of `amount` buys (rounded down: never more than paid for). */
export function secondsFor(t: Tariff, amount: bigint): number {
  if (t.pricePerDay <= 0n || amount <= 0n) return 0;
  const s = (amount * 86_400n) / t.pricePerDay;
  return s > 4_294_967_295n ? 4_294_967_295 : Number(s);
}

/** The bill for `mwh` milliwatt-hours at `pricePerKwh` (stroops, rounded to the nearest). */
export function energyBill(mwh: number, pricePerKwh: bigint): bigint {
  return (BigInt(Math.max(0, Math.round(mwh))) * pricePerKwh + 500_000n) / 1_000_000n;
}

function hhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}
