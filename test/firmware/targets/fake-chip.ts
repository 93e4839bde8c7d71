/**
 * An in-process fake GPIO chip behind the Node target's GpioLines: outputs are levels a test
 * reads, inputs are edges a test makes, stamped with the (virtual) time in nanoseconds as the
 * kernel stamps them.
 */
import type { Bias, GpioLines } from "../../../firmware/targets/node/gpio";

export class FakeChip implements GpioLines {
  private readonly levels = new Map<number, 0 | 1>();
  private readonly watchers = new Map<number, { edge: "rising" | "falling"; bias: Bias; fn: (ns: number) => void }[]>();
  closed = false;

  constructor(private readonly nowMs: () => number) {}

  output(line: number, level: 0 | 1): void {
    this.levels.set(line, level);
  }

  watch(line: number, edge: "rising" | "falling", bias: Bias, fn: (ns: number) => void): void {
    const list = this.watchers.get(line) ?? [];
    list.push({ edge, bias, fn });
    this.watchers.set(line, list);
  }

  close(): void {
    this.closed = true;
    this.levels.clear(); // released lines go back to their default
  }

  /** The level a line is driven to; undefined when nothing drives it. */
  level(line: number): 0 | 1 | undefined {
    return this.levels.get(line);
  }

  /** One edge on an input line, at `atMs` (default now). */
  edge(line: number, edge: "rising" | "falling", atMs?: number): void {
    const ns = Math.round((atMs ?? this.nowMs()) * 1e6);
    for (const w of this.watchers.get(line) ?? []) if (w.edge === edge) w.fn(ns);
  }

  biasOf(line: number): Bias | undefined {
    return this.watchers.get(line)?.[0]?.bias;
  }
}
