/**
 * Checking a finished run against its scenario's expectations. Every expectation listed is
 * checked and reported (name, pass/fail, a sentence with the numbers), not just the first
 * that fails, so one run tells the whole story.
 */
import type { Reading } from "../../shared/protocol/reading";
import type { SimHost } from "../host/sim-host";
import type { RelayCheck } from "./events";
import type { DeviceRig } from "./rig";
import type { Expectations } from "./types";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface EnergyCompare {
  deviceMwh: number;
  truthMwh: number;
  /** |device − truth| / truth (0 when there is no truth yet). */
  error: number;
  seq: number;
}

/** Proven readings in sequence order. */
export function provenInOrder(rig: DeviceRig): Reading[] {
  return [...rig.tap.proven.values()].map((p) => p.reading).sort((a, b) => a.seq - b.seq);
}

/**
 * The newest authenticated reading against the world's truth at the instant it was made:
 * the boot it came from started at the latest boot instant b with b + uptime ≤ the time the
 * host proved it (a reading is made before it is received).
 */
export function compareEnergy(rig: DeviceRig): EnergyCompare | undefined {
  let best: { r: Reading; at: number } | undefined;
  for (const p of rig.tap.proven.values()) if (!best || p.reading.seq > best.r.seq) best = { r: p.reading, at: p.atMs };
  if (!best) return undefined;
  const u = best.r.uptime * 1000;
  let made = best.at;
  for (const b of rig.boots) if (b + u <= best.at) made = b + u;
  const truth = rig.world.truthAt(made);
  const device = best.r.energyIn;
  return { deviceMwh: device, truthMwh: truth, error: truth > 0 ? Math.abs(device - truth) / truth : 0, seq: best.r.seq };
}

export function checkExpectations(e: Expectations, rig: DeviceRig, host: SimHost, relay: RelayCheck[], energy: EnergyCompare | undefined): Check[] {
  const out: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail });
  const tap = rig.tap;
  const rs = provenInOrder(rig);
  if (e.minReadings !== undefined) add("minReadings", rs.length >= e.minReadings, `${rs.length} readings authenticated (at least ${e.minReadings} expected)`);
  if (e.allVerified) {
    // A reading refused as E_GAP came ahead of ones still missing (a backlog drains oldest
    // first while fresh readings go out at once; line noise ate a line): the host does not ack
    // it and the device sends it again. Only one never proven afterwards, or any other reason
    // (E_CHAIN_BROKEN, E_REPLAY with other bytes, E_BAD_SIGNATURE), is a failure.
    const bad = tap.invalid.filter((i) => i.reason !== "E_GAP" || !tap.proven.has(i.seq));
    const healed = tap.invalid.length - bad.length;
    const list = bad.slice(0, 3).map((i) => `seq ${i.seq} ${i.reason}`).join(", ");
    add("allVerified", bad.length === 0, bad.length === 0 ? `no reading rejected for good${healed ? ` (${healed} early arrivals refused as E_GAP, re-sent and proven)` : ""}` : `${bad.length} rejected: ${list}`);
  }
  if (e.noSeqGap) {
    const gaps: string[] = [];
    for (let i = 1; i < rs.length; i++) {
      const want = rs[i - 1].seq + 1 + rs[i].dropped;
      if (rs[i].seq !== want) gaps.push(`${rs[i - 1].seq}→${rs[i].seq} (dropped ${rs[i].dropped})`);
    }
    add("noSeqGap", gaps.length === 0, gaps.length === 0 ? `seq ${rs[0]?.seq ?? "-"}..${rs[rs.length - 1]?.seq ?? "-"} without a hole` : `${gaps.length} holes: ${gaps.slice(0, 3).join(", ")}`);
  }
  if (e.noCounterRegression) {
    const back: string[] = [];
    for (let i = 1; i < rs.length; i++) {
      const a = rs[i - 1];
      const b = rs[i];
      if (b.energyIn < a.energyIn || b.energyOut < a.energyOut || b.boot < a.boot) back.push(`seq ${b.seq}`);
    }
    add("noCounterRegression", back.length === 0, back.length === 0 ? `energy and boot counter never went down (boot ${rs[0]?.boot ?? "-"}..${rs[rs.length - 1]?.boot ?? "-"})` : `went down at ${back.slice(0, 3).join(", ")}`);
  }
  if (e.drainedInOrder) {
    let bad = -1;
    for (let i = 1; i < tap.order.length && bad < 0; i++) if (tap.order[i] <= tap.order[i - 1]) bad = i;
    add("drainedInOrder", bad < 0, bad < 0 ? `${tap.order.length} readings proven in seq order` : `seq ${tap.order[bad]} after ${tap.order[bad - 1]}`);
  }
  for (const r of relay) {
    add(`relay@${r.atMs / 1000}s`, r.actual === r.expected, `relay ${r.actual ?? "not sampled"} at ${r.atMs / 1000} s (expected ${r.expected})`);
  }
  if (e.energyTolerance !== undefined) {
    if (!energy) add("energy", false, "no authenticated reading to compare");
    else {
      // A pulse meter may be one pulse behind; a sampling sensor has no such step.
      const slack = e.energyTolerance * energy.truthMwh + (rig.meter === undefined ? 0 : 1e6 / rig.meter.impPerKWh);
      add("energy", Math.abs(energy.deviceMwh - energy.truthMwh) <= slack, `seq ${energy.seq}: device ${(energy.deviceMwh / 1000).toFixed(1)} Wh, world ${(energy.truthMwh / 1000).toFixed(1)} Wh (${(energy.error * 100).toFixed(2)} %, tolerance ${(e.energyTolerance * 100).toFixed(1)} %${rig.meter === undefined ? "" : " + 1 pulse"})`);
    }
  }
  if (e.maxBlockMs !== undefined) {
    const lb = rig.board.longestBlock;
    add("maxBlockMs", lb.ms <= e.maxBlockMs, `longest block ${lb.ms.toFixed(1)} ms (${lb.what}); limit ${e.maxBlockMs} ms`);
  }
  for (const [k, n] of Object.entries(e.deviceRejects ?? {})) {
    const got = tap.deviceRejects[k] ?? 0;
    add(`deviceRejects ${k}`, got === n, `device refused ${got} × ${k} (expected ${n})`);
  }
  if (e.tokensApplied !== undefined) add("tokensApplied", tap.tokensApplied === e.tokensApplied, `${tap.tokensApplied} tokens applied (expected ${e.tokensApplied})`);
  if (e.minDropped !== undefined) {
    const dropped = rs.reduce((n, r) => n + r.dropped, 0);
    add("minDropped", dropped >= e.minDropped, `readings declare ${dropped} dropped (at least ${e.minDropped} expected)`);
  }
  if (e.upstreamDrained) add("upstreamDrained", host.spoolDepth() === 0, `${host.spoolDepth()} messages left in the upstream spool`);
  return out;
}
