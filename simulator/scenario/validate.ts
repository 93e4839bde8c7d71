/**
 * Reading a scenario file: JSON, then the schema (simulator/scenario.schema.json, checked by
 * the same walker as board files so every problem is listed with its path at once), then what
 * a schema cannot say — the board exists and the simulator can run it, times fall inside the
 * run, a replayed token refers to one sent before it, a clock jump needs the light host.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSchema, type JsonSchema } from "../../boards/schema-check";
import { boardIds, loadBoard } from "../../boards/validate";
import { parseDuration, type Fault, type Scenario, type TokenAction } from "./types";

export const SCHEMA_FILE = join(dirname(fileURLToPath(import.meta.url)), "..", "scenario.schema.json");

/** One problem with a scenario file: the file, a JSON path, what is wrong. */
export interface ScenarioIssue {
  file: string;
  path: string;
  message: string;
}

let schemaCache: JsonSchema | undefined;
function schema(): JsonSchema {
  schemaCache ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as JsonSchema;
  return schemaCache;
}

const DEFAULT_START = "2026-06-21T00:00:00Z";
type Raw = Record<string, any>;

/** Every problem in `json` (empty when it is a valid scenario). */
export function validateScenario(json: unknown, file: string): ScenarioIssue[] {
  const issues = checkSchema(json, schema(), schema()).map((p) => ({ file, path: p.path, message: p.message }));
  if (issues.length > 0 || typeof json !== "object" || json === null) return issues;
  const s = json as Raw;
  const add = (path: string, message: string) => issues.push({ file, path, message });
  const duration = parseDuration(s.duration);
  if (!(duration > 0)) add("duration", "must be longer than 0");
  const inRun = (v: string | undefined, path: string) => {
    if (v !== undefined && parseDuration(v) > duration) add(path, `${v} is past the end of the run (${s.duration})`);
  };
  const board = s.board ?? "esp32-devkitc";
  if (!boardIds().includes(board)) add("board", `no board "${board}" (known: ${boardIds().join(", ")})`);
  else {
    const b = loadBoard(board);
    if (!b.buildable) add("board", `${board}: the simulator runs buildable boards only (${board} is not buildable yet: ${b.whyNotBuildable ?? "its target is not implemented"})`);
  }
  const tokens: Raw[] = s.host?.tokens ?? [];
  tokens.forEach((t, i) => {
    inRun(t.at, `host.tokens[${i}].at`);
    if (t.replay !== undefined) {
      if (!Number.isInteger(t.replay) || t.replay >= i) add(`host.tokens[${i}].replay`, `must name an earlier token (0..${i - 1}), got ${t.replay}`);
      if (t.kind !== undefined || t.seconds !== undefined) add(`host.tokens[${i}]`, "a replay sends the earlier token's bytes: no kind or seconds");
    } else {
      if (t.kind === undefined) add(`host.tokens[${i}].kind`, "missing (required unless replay is given)");
      if ((t.kind === "add" || t.kind === "set") && t.seconds === undefined) add(`host.tokens[${i}].seconds`, `missing (required for "${t.kind}")`);
      if (t.kind === "add" && t.seconds === 0) add(`host.tokens[${i}].seconds`, "an add-credit token needs at least 1 s");
    }
    if (i > 0 && parseDuration(t.at) < parseDuration(tokens[i - 1].at)) add(`host.tokens[${i}].at`, "tokens must be listed in time order");
  });
  const faults: Raw[] = s.faults ?? [];
  faults.forEach((f, i) => {
    inRun(f.at, `faults[${i}].at`);
    inRun(f.to, `faults[${i}].to`);
    if (f.kind === "power-cuts" && f.from !== undefined && f.to !== undefined && parseDuration(f.from) >= parseDuration(f.to)) add(`faults[${i}].to`, "must be after from");
    if (f.kind === "clock-jump" && s.host?.kind === "gateway") add(`faults[${i}]`, "clock-jump moves the light host's clock; the gateway uses the real clock");
    if (f.kind === "line-noise" && (f.corrupt ?? 0) + (f.drop ?? 0) === 0) add(`faults[${i}]`, "line-noise needs corrupt or drop above 0");
  });
  (s.expect?.relay ?? []).forEach((r: Raw, i: number) => inRun(r.at, `expect.relay[${i}].at`));
  for (const [k, v] of Object.entries(s.expect?.deviceRejects ?? {})) {
    if (!/^(ack|token|line|frame):E_[A-Z_]+$/.test(k)) add(`expect.deviceRejects.${k}`, 'keys are "kind:CODE" such as "token:E_REPLAY"');
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) add(`expect.deviceRejects.${k}`, `expected a whole number ≥ 0, got ${JSON.stringify(v)}`);
  }
  for (const k of ["minReadings", "tokensApplied", "minDropped"]) {
    const v = s.expect?.[k];
    if (v !== undefined && !Number.isInteger(v)) add(`expect.${k}`, `expected a whole number, got ${v}`);
  }
  return issues;
}

function fault(f: Raw, durationMs: number): Fault {
  const at = f.at === undefined ? 0 : parseDuration(f.at);
  const forMs = f.for === undefined ? 0 : parseDuration(f.for);
  const offMs = f.off === undefined ? 5000 : parseDuration(f.off);
  switch (f.kind) {
    case "power-cut":
      return { kind: "power-cut", atMs: at, offMs, duringWrite: f.duringWrite === true, afterBytes: f.afterBytes };
    case "power-cuts":
      return { kind: "power-cuts", count: f.count, fromMs: f.from ? parseDuration(f.from) : 0, toMs: f.to ? parseDuration(f.to) : durationMs, offMs, duringWrite: f.duringWrite ?? 0.5 };
    case "clock-jump":
      return { kind: "clock-jump", atMs: at, seconds: f.seconds };
    case "line-noise":
      return { kind: "line-noise", atMs: at, forMs, corrupt: f.corrupt ?? 0, drop: f.drop ?? 0 };
    default:
      return { kind: f.kind, atMs: at, forMs };
  }
}

/**
 * The runnable scenario for a valid `json` (call validateScenario first).
 * @throws Error when `json` was not validated (missing fields)
 */
export function toScenario(json: unknown, file: string): Scenario {
  const s = json as Raw;
  const durationMs = parseDuration(s.duration);
  const w = s.world ?? {};
  const tokens: TokenAction[] = (s.host?.tokens ?? []).map((t: Raw) => ({ atMs: parseDuration(t.at), kind: t.kind ?? "add", seconds: t.seconds ?? 0, replay: t.replay }));
  const e = s.expect;
  return {
    name: s.name, description: s.description ?? "", file, board: s.board ?? "esp32-devkitc", seed: s.seed ?? 1, durationMs,
    startUnixS: Date.parse(s.start ?? DEFAULT_START) / 1000,
    stepMs: (s.stepS ?? 60) * 1000,
    world: { latitude: w.latitude ?? 0, clouds: w.clouds ?? 0.1, panelWp: w.panelWp ?? 300, meter: w.meter ?? "panel", loads: w.loads ?? [] },
    device: s.device ? { intervalS: s.device.intervalS ?? 60, signEvery: s.device.signEvery ?? 10 } : undefined,
    host: { kind: s.host?.kind ?? "light", ack: s.host?.ack ?? true, tokens },
    faults: (s.faults ?? []).map((f: Raw) => fault(f, durationMs)),
    expect: { ...e, relay: e.relay?.map((r: Raw) => ({ atMs: parseDuration(r.at), state: r.state })) },
  };
}

/** Reads and checks a scenario file: the scenario, or every issue found. `board` replaces the file's own. */
export function readScenarioFile(file: string, board?: string): { scenario?: Scenario; issues: ScenarioIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { issues: [{ file, path: "$", message: (e as Error).message }] };
  }
  if (board !== undefined && typeof json === "object" && json !== null) json = { ...json, board };
  const issues = validateScenario(json, file);
  return issues.length ? { issues } : { scenario: toScenario(json, file), issues };
}
