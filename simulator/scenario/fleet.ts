/**
 * Fleet mode: many boards, each with its own world (seeded by its index: its own clouds),
 * against one host — the light host or the real gateway with its broker. Every board runs
 * the same built firmware; the fleet moves in world steps, board after board, and the host
 * settles after each step. Reports simulated device-hours per wall-clock second.
 */
import { performance } from "node:perf_hooks";
import { loadBoard } from "../../boards/validate";
import { makeHost } from "./runner";
import { DeviceRig } from "./rig";

export interface FleetOptions {
  firmware: string;
  board: string;
  devices: number;
  durationMs: number;
  host: "light" | "gateway";
  seed?: number;
  stepMs?: number;
  startUnixS?: number;
  callbackTimeoutMs?: number;
  /** Progress after each step (simulated ms). */
  onStep?: (simMs: number) => void;
}

export interface FleetResult {
  devices: number;
  host: "light" | "gateway";
  simMs: number;
  /** Flashing, booting and provisioning every board. */
  setupMs: number;
  /** Running the simulated span. */
  runMs: number;
  deviceHoursPerSecond: number;
  /** Simulated time over wall time, per board (the fleet's speed-up over real time). */
  speedup: number;
  verified: number;
  rejectedForGood: number;
  heapBytesPerBoard: number;
  rssBytesPerBoard: number;
}

/**
 * Runs a fleet for `durationMs` of simulated time.
 * @throws Error when a board does not boot or the gateway cannot start
 */
export async function runFleet(o: FleetOptions): Promise<FleetResult> {
  const board = loadBoard(o.board);
  const start = o.startUnixS ?? Date.parse("2026-06-21T00:00:00Z") / 1000;
  const stepMs = o.stepMs ?? 60_000;
  const host = await makeHost(o.host, start);
  const t0 = performance.now();
  const mem0 = process.memoryUsage();
  const rigs: DeviceRig[] = [];
  try {
    for (let i = 0; i < o.devices; i++) {
      const seed = (o.seed ?? 1) * 100_003 + i;
      const rig = new DeviceRig({
        board, firmware: o.firmware, seed, callbackTimeoutMs: o.callbackTimeoutMs ?? 0,
        world: { startUnixS: start, latitude: (i % 60) - 30, clouds: (i % 10) / 10, panelWp: 100 + (i % 5) * 100, loads: [], meter: "panel" },
      });
      rig.start(host);
      rigs.push(rig);
    }
    const mem1 = process.memoryUsage();
    const heapPerBoard = (mem1.heapUsed - mem0.heapUsed) / Math.max(1, o.devices);
    const rssPerBoard = (mem1.rss - mem0.rss) / Math.max(1, o.devices);
    const t1 = performance.now();
    const base = rigs.map((r) => r.now);
    for (let done = 0; done < o.durationMs; ) {
      const span = Math.min(stepMs, o.durationMs - done);
      done += span;
      for (let i = 0; i < rigs.length; i++) rigs[i].step(base[i] + done, host);
      await host.settle(done);
      o.onStep?.(done);
    }
    const t2 = performance.now();
    const runS = (t2 - t1) / 1000;
    const deviceHours = (o.devices * o.durationMs) / 3_600_000;
    let verified = 0;
    let bad = 0;
    for (const r of rigs) {
      verified += r.tap.proven.size;
      bad += r.tap.invalid.filter((x) => x.reason !== "E_GAP" || !r.tap.proven.has(x.seq)).length;
    }
    return {
      devices: o.devices, host: host.kind, simMs: o.durationMs, setupMs: t1 - t0, runMs: t2 - t1,
      deviceHoursPerSecond: deviceHours / runS, speedup: o.durationMs / 1000 / runS, verified, rejectedForGood: bad,
      heapBytesPerBoard: heapPerBoard, rssBytesPerBoard: rssPerBoard,
    };
  } finally {
    for (const r of rigs) r.board.powerOff();
    await host.close();
  }
}
