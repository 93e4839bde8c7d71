/**
 * Credit left on a device now, from its newest verified reading: the seconds it reported less
 * the time since the gateway received it (the device's own clock runs it down the same way).
 */
import type { Db } from "./store-sqlite";
import { decodeReading, FLAG_UNLOCKED } from "../../shared/protocol/reading";

/** Seconds left, "unlocked" for a device unlocked for good, undefined before any reading. */
export function creditLeft(db: Db, device: string, nowMs: number): number | "unlocked" | undefined {
  const r = db.prepare("SELECT bytes, received_at FROM readings WHERE device = ? ORDER BY seq DESC LIMIT 1").get(device) as { bytes: Buffer; received_at: number } | undefined;
  if (r === undefined) return undefined;
  const reading = decodeReading(new Uint8Array(r.bytes));
  if ((reading.flags & FLAG_UNLOCKED) !== 0) return "unlocked";
  return Math.max(0, reading.credit - Math.max(0, Math.floor((nowMs - r.received_at) / 1000)));
}

/** "3d 4h", "2h 5m", "12m", "0" for a person reading a table. */
export function creditText(c: number | "unlocked" | undefined): string {
  if (c === undefined) return "?";
  if (c === "unlocked") return "unlocked";
  if (c >= 86400) return `${Math.floor(c / 86400)}d ${Math.floor((c % 86400) / 3600)}h`;
  if (c >= 3600) return `${Math.floor(c / 3600)}h ${Math.floor((c % 3600) / 60)}m`;
  return c > 0 ? `${Math.ceil(c / 60)}m` : "0";
}
