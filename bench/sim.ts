/**
 * The simulator's speed: simulated device-days per wall-clock second for one board and for
 * fleets of 100 and 1000 (each board runs the built esp32-devkitc firmware in its own
 * emulated runtime against one light host), the speed-up over real time, and the memory each
 * simulated board takes (process.memoryUsage before and after booting the fleet).
 * The ratio column is throughput relative to the one-board row. Simulated spans shrink with
 * the fleet so the section stays near two minutes. Measured here: one board ~0.65 device-days/s
 * (~56 000× real time), 100 boards ~0.22, 1000 boards ~0.10 per second, ~0.7–0.9 MB RSS per
 * board. Per-board throughput falls with the fleet while each board's span shortens: every
 * board runs the bundle in its own context, so each pays its own JIT warm-up (and the heap
 * grows); longer spans per board amortise it (not yet measured apart).
 */
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
    out.push({ section: "simulator", name: `${name}: memory per board`, value: f.rssBytesPerBoard / 1e6, unit: "MB RSS", note: `${(f.heapBytesPerBoard / 1e6).toFixed(2)} MB of JS heap; boot + provision ${(f.setupMs / f.devices).toFixed(0)} ms per board` });
  }
  return out;
}

export async function simRows(): Promise<Row[]> {
  const fw = (await ensureFirmware("esp32-devkitc")).code;
  const one = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 1, durationMs: 24 * HOUR, host: "light" });
  const base = one.deviceHoursPerSecond / 24;
  const out = rows("1 board", one, undefined);
  const hundred = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 100, durationMs: 2 * HOUR, host: "light" });
  out.push(...rows("fleet of 100", hundred, base));
  const thousand = await runFleet({ firmware: fw, board: "esp32-devkitc", devices: 1000, durationMs: HOUR / 6, host: "light" });
  out.push(...rows("fleet of 1000", thousand, base));
  return out;
}
