/**
 * How `solkit sim` shows results: one table row per scenario (scenario, result, readings,
 * verified, energy error, longest block, sim time, wall time), the failed checks under it,
 * and the JSON report (`--json`, `--report FILE`) with every check and figure.
 */
import type { FleetResult } from "./fleet";
import type { ScenarioResult } from "./runner";
import { formatSpan } from "./types";

const HEAD = ["scenario", "result", "readings", "verified", "energy error", "longest block", "sim time", "wall time"];

function row(r: ScenarioResult): string[] {
  return [
    r.name,
    r.ok ? "pass" : "FAIL",
    String(r.readings),
    String(r.verified),
    r.energyError === undefined ? "-" : `${(r.energyError * 100).toFixed(2)} %`,
    `${r.longestBlockMs.toFixed(1)} ms`,
    formatSpan(r.simMs),
    `${(r.wallMs / 1000).toFixed(1)} s`,
  ];
}

/** The results as aligned text lines: the table, then each failed check. */
export function resultTable(results: ScenarioResult[]): string[] {
  const cells = results.map(row);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = new Set([2, 3, 4, 5, 6, 7]);
  const fmt = (c: string[]) => c.map((x, i) => (right.has(i) ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join("  ").trimEnd();
  const lines = [fmt(HEAD), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const c of cells) lines.push(fmt(c));
  for (const r of results) for (const c of r.checks) if (!c.ok) lines.push(`${r.name}: ${c.name} failed: ${c.detail}`);
  // Restarts nobody asked for (a panic, the watchdog): said even when every check held.
  for (const r of results) {
    for (const x of r.restarts.filter((y) => /panic|watchdog/.test(y.reason))) lines.push(`${r.name}: restarted at ${formatSpan(x.atMs)}: ${x.reason}`);
  }
  const passed = results.filter((r) => r.ok).length;
  lines.push(`${passed} of ${results.length} scenario${results.length === 1 ? "" : "s"} passed`);
  return lines;
}

/** The JSON report: every scenario with every check and figure. */
export function jsonReport(results: ScenarioResult[]): object {
  return {
    ok: results.every((r) => r.ok),
    scenarios: results.map((r) => ({ ...r, longestBlockMs: Number(r.longestBlockMs.toFixed(2)), wallMs: Math.round(r.wallMs) })),
  };
}

/** Fleet figures as lines for people. */
export function fleetLines(f: FleetResult): string[] {
  return [
    `fleet: ${f.devices} board${f.devices === 1 ? "" : "s"} against the ${f.host} host for ${formatSpan(f.simMs)} of simulated time`,
    `  setup        ${(f.setupMs / 1000).toFixed(1)} s (flash, boot, provision every board)`,
    `  run          ${(f.runMs / 1000).toFixed(1)} s wall`,
    `  throughput   ${f.deviceHoursPerSecond.toFixed(1)} simulated device-hours per wall-clock second (${Math.round(f.speedup)}× real time for the fleet)`,
    `  readings     ${f.verified} authenticated, ${f.rejectedForGood} rejected for good`,
    `  memory       ${(f.heapBytesPerBoard / 1e6).toFixed(2)} MB of heap, ${(f.rssBytesPerBoard / 1e6).toFixed(2)} MB of RSS per board`,
  ];
}
