/**
 * A scenario as the runner uses it: simulator/scenario.schema.json's shape with every
 * duration in milliseconds and every default filled in (validate.ts makes one from a file).
 */
import type { Load } from "../world/world";

export type TokenKind = "add" | "set" | "unlock" | "disconnect";

export interface TokenAction {
  atMs: number;
  kind: TokenKind;
  seconds: number;
  /** Send again the n-th token sent before, instead of a new one. */
  replay?: number;
}

export type Fault =
  | { kind: "power-cut"; atMs: number; offMs: number; duringWrite: boolean; afterBytes?: number }
  | { kind: "power-cuts"; count: number; fromMs: number; toMs: number; offMs: number; duringWrite: number }
  | { kind: "cable-pulled" | "broker-down" | "wifi-down" | "storage-full"; atMs: number; forMs: number }
  | { kind: "clock-jump"; atMs: number; seconds: number }
  | { kind: "line-noise"; atMs: number; forMs: number; corrupt: number; drop: number };

export interface Expectations {
  minReadings?: number;
  allVerified?: boolean;
  noSeqGap?: boolean;
  noCounterRegression?: boolean;
  drainedInOrder?: boolean;
  relay?: { atMs: number; state: "open" | "closed" }[];
  energyTolerance?: number;
  maxBlockMs?: number;
  deviceRejects?: Record<string, number>;
  tokensApplied?: number;
  minDropped?: number;
  upstreamDrained?: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** The file it came from ("" when built in code). */
  file: string;
  board: string;
  seed: number;
  durationMs: number;
  startUnixS: number;
  stepMs: number;
  world: { latitude: number; clouds: number; panelWp: number; meter: "panel" | "loads"; loads: Load[] };
  device?: { intervalS: number; signEvery: number };
  host: { kind: "light" | "gateway"; ack: boolean; tokens: TokenAction[] };
  faults: Fault[];
  expect: Expectations;
}

/** "90s", "6h", "1500ms" → milliseconds (the schema's duration pattern). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (!m) return NaN;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms"];
  return Math.round(Number(m[1]) * unit);
}

/** Milliseconds as people read a simulated span: "7d", "6h 30m", "42s". */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m ? `${m}m` : "", !d && !h && s % 60 ? `${s % 60}s` : ""].filter(Boolean);
  return parts.join(" ") || "0s";
}
