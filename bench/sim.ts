/**
 * The simulator's speed: simulated device-days per wall-clock second for one board and for
 * fleets of 100 and 1000 (each board runs the built esp32-devkitc firmware in its own
 * emulated runtime against one light host), the speed-up over real time, and the memory each
 * simulated board takes (process.memoryUsage before and after booting the fleet, each after a
 * full collection).
 * The ratio column is throughput relative to the one-board row. Fleets run on one worker
 * thread per CPU (fleet.ts, `threads`); the 100-board fleet is also run on one thread beside
 * it. Every board runs the bundle in its own vm context: the compiled script is shared, but
 * each context still warms up its own JIT, so short spans per board cost more per hour (the
 * 1000-board span is an hour to amortise it). 10,000 boards run only with BENCH_10K=1
 * (`BENCH_10K=1 npm run bench -- sim`): on 2 cores booting them takes three to four minutes
 * (20 shards of 500, fleet.ts MAX_BOARDS_PER_SHARD; ~5 GB of heap in all) and their ten
 * simulated minutes about 80 s (measured 207 s and 77 s; before the changes below 324 s and 92 s).
 *
 * Measured on one 2-core machine, before → after the globals binding, the flat verifier bytes and
 * the shared flash pages (docs/scenarios.md "Speed"): 1 board 0.79 → 2.10 device-days/s; 100
 * boards on one thread 0.64 → 1.52; 1000 boards on two threads 0.97 → 1.10 (84× → 95× real time in
 * the bench; 87–108× run alone), memory per board at boot 0.86 → 0.74 MB RSS; since measured after
 * a full collection: 0.46 MB of heap a board, RSS 0.46 MB on one thread, 0.72 MB on two.
 */
import { availableParallelism } from "node:os";
import { ensureFirmware } from "../simulator/scenario/artifact";
import { runFleet, type FleetResult } from "../simulator/scenario/fleet";
import { formatSpan } from "../simulator/scenario/types";
import type { Row } from "./harness";

const HOUR = 3_600_000;

function rows(name: string, f: FleetResult, base: number | undefined): Row[] {
  const perDay = f.deviceHoursPerSecond / 24;
  const out: Row[] = [
    {
      section: "simulator", name: `${name}: device-days simulated per second`, value: perDay, unit: "device-days/s",
      ratio: base === undefined ? undefined : perDay / base,
      note: `${f.devices} × ${formatSpan(f.simMs)} in ${(f.runMs / 1000).toFixed(1)} s: ${Math.round(perDay * 86400).toLocaleString("en-US")}× real time per board-second, fleet at ${Math.round(f.speedup).toLocaleString("en-US")}× real time`,
    },
  ];
  if (f.devices > 1) {
    out.push({ section: "simulator", name: `${name}: memory per board`, value: f.rssBytesPerBoard / 1e6, unit: "MB RSS", note: `${(f.heapBytesPerBoard / 1e6).toFixed(2)} MB of JS heap (both after a full collection; RSS with the threads' own copies of the modules); boot + provision ${(f.setupMs / f.devices).toFixed(0)} ms per board` });
  }
  return out;
}

export async function simRows(): Promise<Row[]> {
  const fw = (await ensureFirmware("esp32-devkitc")).code;
  const one = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 1, durationMs: 24 * HOUR, host: "light" });
  const base = one.deviceHoursPerSecond / 24;
  const out = rows("1 board", one, undefined);
  const threads = availableParallelism();
  const hundred1 = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 100, durationMs: 2 * HOUR, host: "light", threads: 1, collectBeforeMeasuring: true });
  out.push(...rows("fleet of 100, one thread", hundred1, base));
  const hundred = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 100, durationMs: 2 * HOUR, host: "light", threads, collectBeforeMeasuring: true });
  out.push(...rows(`fleet of 100, ${threads} threads`, hundred, base));
  const thousand = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 1000, durationMs: HOUR, host: "light", threads, collectBeforeMeasuring: true });
  out.push(...rows(`fleet of 1000, ${threads} threads`, thousand, base));
  if (process.env.BENCH_10K === "1") {
    const tenThousand = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 10_000, durationMs: HOUR / 6, host: "light", threads, collectBeforeMeasuring: true });
    out.push(...rows(`fleet of 10,000, ${threads} threads`, tenThousand, base));
  }
  return out;
}
