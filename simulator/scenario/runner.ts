/**
 * Runs one scenario: the board's built firmware on an emulated board in its world, the host
 * the scenario chose, the timeline of faults and tokens, then the expectations. Time moves in
 * world steps (a minute by default), stopping exactly at every event; the board's own event
 * loop jumps from one due callback to the next, so quiet stretches cost nothing extra.
 */
import { performance } from "node:perf_hooks";
import { loadBoard } from "../../boards/validate";
import { GatewayHost } from "../host/gateway-host";
import { LightHost } from "../host/light-host";
import type { SimHost } from "../host/sim-host";
import { buildTimeline } from "./events";
import { checkExpectations, compareEnergy, type Check } from "./expect";
import { DeviceRig } from "./rig";
import type { Scenario } from "./types";

export interface ScenarioResult {
  name: string;
  file: string;
  ok: boolean;
  checks: Check[];
  host: "light" | "gateway";
  device: string;
  /** Distinct readings the host received; those it authenticated. */
  readings: number;
  verified: number;
  rejected: number;
  /** |device − truth| / truth of the newest authenticated reading (undefined: none). */
  energyError?: number;
  energyMwh?: { device: number; truth: number };
  longestBlockMs: number;
  longestBlockWhat: string;
  simMs: number;
  wallMs: number;
  boots: number;
  /** Every restart that was not a power-on (watchdog, a panic and its error, reset()), on the scenario's clock. */
  restarts: { atMs: number; reason: string }[];
  powerCuts: number;
  dropped: number;
  lineErrors: Record<string, number>;
  deviceRejects: Record<string, number>;
}

export interface RunOptions {
  /** The built firmware (dist/<board>/firmware.js) as latin1 text. */
  firmware: string;
  /** Wall-clock limit per board callback in ms (default 10 000; 0 = none). */
  callbackTimeoutMs?: number;
  /** Device console lines as they come (the demo prints them). */
  onDeviceLine?: (line: string, simMs: number) => void;
  /** After each step (the demo paces itself here). */
  onStep?: (simMs: number, rig: DeviceRig) => void | Promise<void>;
}

export async function makeHost(kind: "light" | "gateway", startUnixS: number): Promise<SimHost> {
  return kind === "gateway" ? GatewayHost.start() : new LightHost(startUnixS);
}

/**
 * Runs `sc` to its end and checks its expectations.
 * @throws Error when the firmware does not boot to a device id, or the gateway cannot start
 */
export async function runScenario(sc: Scenario, o: RunOptions): Promise<ScenarioResult> {
  const wall0 = performance.now();
  const rig = new DeviceRig({
    board: loadBoard(sc.board), firmware: o.firmware, seed: sc.seed, device: sc.device,
    callbackTimeoutMs: o.callbackTimeoutMs ?? 10_000,
    world: { startUnixS: sc.startUnixS, latitude: sc.world.latitude, clouds: sc.world.clouds, panelWp: sc.world.panelWp, loads: sc.world.loads, meter: sc.world.meter },
  });
  if (o.onDeviceLine) rig.tap.onLog = (line) => o.onDeviceLine!(line, rig.now);
  const host = await makeHost(sc.host.kind, sc.startUnixS);
  try {
    host.acking = sc.host.ack;
    rig.start(host);
    const t0 = rig.now;
    const tl = buildTimeline(sc, rig, host);
    const end = t0 + sc.durationMs;
    let i = 0;
    let now = t0;
    while (now < end || i < tl.events.length) {
      while (i < tl.events.length && t0 + tl.events[i].atMs <= now) await tl.events[i++].run();
      if (now >= end) break;
      const next = i < tl.events.length ? t0 + tl.events[i].atMs : Infinity;
      const to = Math.min(end, next, t0 + (Math.floor((now - t0) / sc.stepMs) + 1) * sc.stepMs);
      rig.step(to, host);
      await host.settle(to);
      now = to;
      if (o.onStep) await o.onStep(now - t0, rig);
    }
    if (sc.expect.upstreamDrained && host.kind === "gateway") {
      for (let k = 0; k < 150 && host.spoolDepth() > 0; k++) await new Promise((r) => setTimeout(r, 100));
    }
    const energy = compareEnergy(rig);
    const checks = checkExpectations(sc.expect, rig, host, tl.relayChecks, energy);
    const lb = rig.board.longestBlock;
    const proven = [...rig.tap.proven.values()];
    return {
      name: sc.name, file: sc.file, ok: checks.every((c) => c.ok), checks, host: host.kind, device: rig.id,
      readings: rig.tap.received.size, verified: proven.length, rejected: rig.tap.invalid.length,
      energyError: energy?.error, energyMwh: energy && { device: energy.deviceMwh, truth: energy.truthMwh },
      longestBlockMs: lb.ms, longestBlockWhat: lb.what, simMs: now - t0, wallMs: performance.now() - wall0,
      boots: rig.boots.length, powerCuts: tl.cuts.n,
      restarts: rig.board.resets.filter((x) => x.reason !== "power-on" && x.t >= t0).map((x) => ({ atMs: x.t - t0, reason: x.reason })), dropped: proven.reduce((n, p) => n + p.reading.dropped, 0),
      lineErrors: rig.tap.lineErrors, deviceRejects: rig.tap.deviceRejects,
    };
  } finally {
    rig.dispose();
    await host.close();
  }
}
