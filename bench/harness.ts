/**
 * A small benchmark harness: runs a function until a time budget is spent, reports operations
 * per second, and prints rows as a table. Figures are meant to be read as ratios against a
 * baseline measured in the same run, since these machines are noisy.
 */
import { performance } from "node:perf_hooks";

export interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** The value divided by the section's baseline, where the row has one. */
  ratio?: number;
  note?: string;
}

/** Operations per second of `fn`, after a warm-up, over at least `minMs` of wall time. */
export function opsPerSecond(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 3; i++) fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

function formatValue(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString("en-US");
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** Prints rows as an aligned text table (one section after another). */
export function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.section,
    r.name,
    formatValue(r.value),
    r.unit,
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x`,
    r.note ?? "",
  ]);
  const head = ["section", "measure", "value", "unit", "ratio", "note"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const fmt = (c: string[]) => c.map((x, i) => (i === 2 || i === 4 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join("  ").trimEnd();
  console.log(fmt(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const c of cells) console.log(fmt(c));
}
