/**
 * Fleet mode: many boards, each with its own world (seeded by its index: its own clouds),
 * against one host — the light host or the real gateway with its broker. Every board runs
 * the same built firmware; the fleet moves in world steps, board after board, and the host
 * settles after each step. Reports simulated device-hours per wall-clock second.
 *
 * With `threads` > 1 and the light host, the fleet is cut into shards, one per worker thread
 * (fleet-thread.mjs; at least `threads`, more when a shard would pass MAX_BOARDS_PER_SHARD),
 * each with its own light host: boards never talk to each other, and the
 * light host keeps nothing across devices, so a shard runs exactly as it would in one
 * process (the same seeds by board index). The gateway host stays on one thread.
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
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
  /** Progress after each step (simulated ms; one thread only). */
  onStep?: (simMs: number) => void;
  /** Called once every board has booted, before the span runs. */
  onBooted?: () => void;
  /**
   * Resolves when the span may start: a sharded fleet starts every shard's span together, so
   * that no shard runs alone on the cores while others still boot (its time would flatter).
   */
  ready?: () => Promise<void>;
  /** Worker threads to spread the boards over (light host only; default 1). */
  threads?: number;
  /** Index of this shard's first board (its seeds and worlds follow from it). */
  firstIndex?: number;
  /**
   * Collect garbage fully before and after booting, so that the memory per board is what the
   * boards hold, not boot's leftovers (the bench sets it; a full collection costs a moment).
   */
  collectBeforeMeasuring?: boolean;
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
  const threads = Math.min(o.threads ?? 1, o.devices);
  if (threads > 1 && o.host === "light") return runSharded(o, Math.max(threads, Math.ceil(o.devices / MAX_BOARDS_PER_SHARD)));
  const board = loadBoard(o.board);
  const start = o.startUnixS ?? Date.parse("2026-06-21T00:00:00Z") / 1000;
  const stepMs = o.stepMs ?? 60_000;
  const host = await makeHost(o.host, start);
  const t0 = performance.now();
  if (o.collectBeforeMeasuring) fullCollection();
  const mem0 = process.memoryUsage();
  const rigs: DeviceRig[] = [];
  try {
    for (let i = o.firstIndex ?? 0; i < (o.firstIndex ?? 0) + o.devices; i++) {
      const seed = (o.seed ?? 1) * 100_003 + i;
      const rig = new DeviceRig({
        board, firmware: o.firmware, seed, callbackTimeoutMs: o.callbackTimeoutMs ?? 0,
        world: { startUnixS: start, latitude: (i % 60) - 30, clouds: (i % 10) / 10, panelWp: 100 + (i % 5) * 100, loads: [], meter: "panel" },
      });
      rig.start(host);
      rigs.push(rig);
    }
    if (o.collectBeforeMeasuring) fullCollection();
    const mem1 = process.memoryUsage();
    o.onBooted?.();
    await o.ready?.();
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
    for (const r of rigs) r.dispose();
    await host.close();
  }
}

/**
 * A full garbage collection of this thread's heap, with or without --expose-gc: the flag is set
 * just long enough for one new context to get V8's gc(), then cleared again, so the boards'
 * contexts made later get no `gc` global that Espruino lacks.
 */
function fullCollection(): void {
  if (collect === undefined) {
    setFlagsFromString("--expose-gc");
    try {
      collect = runInNewContext("gc") as () => void;
    } finally {
      setFlagsFromString("--no-expose-gc");
    }
  }
  collect();
}
let collect: (() => void) | undefined;

/**
 * Most boards one worker thread runs: a fleet asked to use threads gets more shards than
 * threads when a shard would hold more. Every collection in a shard walks a heap of its boards'
 * state (~0.5 MB each): 10,000 boards for ten simulated minutes on 2 cores took 349 s in 2
 * shards of 5,000 and 92 s in 20 shards of 500, at ~10 MB of memory per extra shard. Up to 500
 * per shard the cost per board barely moves (1000 boards: 2 shards of 500 at 63-69x real time,
 * 8 of 125 at 56x, measured with the shards' spans started together).
 */
export const MAX_BOARDS_PER_SHARD = 500;

/**
 * A shard's young generation: boards allocate short-lived objects on every callback, and with
 * a worker's default (16 MB) they were scavenged so often that 1000 boards ran at 61x real time
 * instead of 72x (bench/sim.ts, 2 threads; 96 and 256 MB alike).
 */
const YOUNG_GENERATION_MB = 96;

/** The fleet over `threads` worker threads, one shard each; results summed (times: the slowest shard). */
async function runSharded(o: FleetOptions, threads: number): Promise<FleetResult> {
  // RSS is the process's: taken once every shard has booted its boards (threads' own module
  // copies included), before the span's garbage.
  if (o.collectBeforeMeasuring) fullCollection();
  const rss0 = process.memoryUsage().rss;
  let rssBooted = rss0;
  let booted = 0;
  const first = o.firstIndex ?? 0;
  const shards: FleetOptions[] = [];
  for (let t = 0, at = 0; t < threads; t++) {
    const n = Math.floor(o.devices / threads) + (t < o.devices % threads ? 1 : 0);
    shards.push({ ...o, onStep: undefined, onBooted: undefined, threads: 1, devices: n, firstIndex: first + at });
    at += n;
  }
  const workers: Worker[] = [];
  let startedAt = 0;
  try {
    const results = await Promise.all(shards.map((shard) => new Promise<FleetResult>((resolve, reject) => {
      const w = new Worker(new URL("./fleet-thread.mjs", import.meta.url), { workerData: shard, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      workers.push(w);
      w.on("message", (m: { booted?: boolean; ok?: boolean; result?: FleetResult; error?: string }) => {
        if (m.booted) {
          if (++booted < shards.length) return;
          // Every shard has booted: all spans start now, and the run is timed from here.
          if (o.collectBeforeMeasuring) fullCollection();
          rssBooted = process.memoryUsage().rss;
          startedAt = performance.now();
          for (const other of workers) other.postMessage({ go: true });
        } else if (m.ok) resolve(m.result!);
        else reject(new Error(m.error));
      });
      w.once("error", reject);
      w.once("exit", (code) => reject(new Error(`fleet thread exited (${code}) before it reported`)));
    })));
    const runMs = performance.now() - startedAt; // wall time from the common start to the last shard's end
    const sum = (k: "verified" | "rejectedForGood") => results.reduce((a, r) => a + r[k], 0);
    return {
      devices: o.devices, host: "light", simMs: o.durationMs, setupMs: Math.max(...results.map((r) => r.setupMs)), runMs,
      deviceHoursPerSecond: (o.devices * o.durationMs) / 3_600_000 / (runMs / 1000), speedup: o.durationMs / runMs,
      verified: sum("verified"), rejectedForGood: sum("rejectedForGood"),
      heapBytesPerBoard: results.reduce((a, r) => a + r.heapBytesPerBoard * r.devices, 0) / o.devices,
      rssBytesPerBoard: (rssBooted - rss0) / o.devices,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate())); // the others, when one shard failed
  }
}
