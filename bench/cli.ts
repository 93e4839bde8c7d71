/**
 * How long a user waits for the CLI (issue 10): `solkit --help`, `solkit boards` and
 * `solkit verify` on a small capture, wall time and peak memory, beside bare `node -e 0` in the
 * same run. Median of several starts after one warm start (the TypeScript cache filled).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Row } from "./harness";
import { virtualMeter } from "../host/demo/virtual-meter";

const ROOT = join(import.meta.dirname, "..");
const PROBE = join(ROOT, "bench", "rss-probe.mjs");
const RUNS = 7;

interface Start {
  ms: number;
  rssMb: number;
}

function once(args: string[]): Start {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["--import", PROBE, ...args], { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - t0;
  const m = /bench-maxrss-kb (\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`bench cli: ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return { ms, rssMb: Number(m[1]) / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(args: string[]): Start {
  once(args);
  const runs = Array.from({ length: RUNS }, () => once(args));
  return { ms: median(runs.map((r) => r.ms)), rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

/** A serial capture of a virtual meter: an hour of one-minute readings, every third signed. */
function capture(): string {
  const seed = new Uint8Array(32).fill(7);
  const lines = [...virtualMeter({ seed, peakWatts: 300, intervalS: 60, signEvery: 3, startTime: Date.UTC(2026, 5, 21, 9) / 1000 }, 60)];
  const file = join(mkdtempSync(join(tmpdir(), "solkit-bench-cli-")), "console.log");
  writeFileSync(file, lines.map((l) => l.text).join("\r\n") + "\r\n", "latin1");
  return file;
}

export function cliRows(): Row[] {
  const section = "cli start";
  const bin = join(ROOT, "bin", "solkit.mjs");
  const base = measure(["-e", "0"]);
  const rows: Row[] = [{ section, name: "node -e 0 (baseline)", value: base.ms, unit: "ms", ratio: 1, note: `peak ${base.rssMb.toFixed(0)} MB` }];
  const cases: [string, string[], string][] = [
    ["solkit --help", ["--help"], "aim: within 3x bare node"],
    ["solkit boards", ["boards"], "aim: under 500 ms"],
    ["solkit verify (60 readings, a capture file)", ["verify", capture()], ""],
  ];
  for (const [name, args, aim] of cases) {
    const m = measure([bin, ...args]);
    rows.push({ section, name, value: m.ms, unit: "ms", ratio: m.ms / base.ms, note: `peak ${m.rssMb.toFixed(0)} MB (${(m.rssMb / base.rssMb).toFixed(1)}x)${aim ? `; ${aim}` : ""}` });
  }
  return rows;
}
