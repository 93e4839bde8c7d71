/**
 * Counters, gauges and a latency histogram in the Prometheus text format (version 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/). A few dozen lines are
 * enough for what the gateway exposes; no client library needed.
 */

/** Upper bounds (seconds) of the frame-in → PUBACK histogram. */
const BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number }>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private latencySum = 0;
  private latencyCount = 0;
  /** Recent latencies (ms), a ring, for p50/p99 in /healthz and the benchmark. */
  private readonly recent: number[] = [];
  private recentAt = 0;

  counter(name: string, help: string): void {
    if (!this.counters.has(name)) this.counters.set(name, { help, values: new Map() });
  }

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const c = this.counters.get(name);
    if (!c) throw new Error(`metrics: no counter ${name}`);
    const key = labelText(labels);
    c.values.set(key, (c.values.get(key) ?? 0) + by);
  }

  /** A counter's value for exact labels (0 when never counted). */
  get(name: string, labels: Record<string, string> = {}): number {
    return this.counters.get(name)?.values.get(labelText(labels)) ?? 0;
  }

  /** Sum over all labels of a counter. */
  total(name: string): number {
    let n = 0;
    for (const v of this.counters.get(name)?.values.values() ?? []) n += v;
    return n;
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** Records one frame-in → PUBACK latency in milliseconds. */
  observeLatency(ms: number): void {
    const s = ms / 1000;
    for (let i = 0; i < BUCKETS.length; i++) if (s <= BUCKETS[i]) this.buckets[i]++;
    this.latencySum += s;
    this.latencyCount++;
    if (this.recent.length < 10_000) this.recent.push(ms);
    else this.recent[this.recentAt++ % 10_000] = ms;
  }

  /** A quantile (0..1) of the recent latencies in ms, NaN when none. */
  latencyQuantile(q: number): number {
    if (this.recent.length === 0) return NaN;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /** Forgets recorded latencies (the benchmark measures one phase at a time). */
  resetLatency(): void {
    this.recent.length = 0;
    this.recentAt = 0;
  }

  /** The exposition text. */
  render(): string {
    const out: string[] = [];
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      if (c.values.size === 0) out.push(`${name} 0`);
      for (const [labels, v] of c.values) out.push(`${name}${labels} ${v}`);
    }
    for (const [name, g] of this.gauges) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    const h = "solkit_upstream_latency_seconds";
    out.push(`# HELP ${h} Time from a frame coming in to the upstream broker's PUBACK of its reading.`, `# TYPE ${h} histogram`);
    BUCKETS.forEach((b, i) => out.push(`${h}_bucket{le="${b}"} ${this.buckets[i]}`));
    out.push(`${h}_bucket{le="+Inf"} ${this.latencyCount}`, `${h}_sum ${this.latencySum}`, `${h}_count ${this.latencyCount}`);
    return out.join("\n") + "\n";
  }
}
