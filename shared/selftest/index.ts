/**
 * Runs golden-vector files through their runners: the one entry point that Node (vitest),
 * the Espruino bundle and the Lua bundle share, so all three run exactly the same checks.
 *
 * To add a vector kind: write shared/test/vectors/<kind>.json and shared/selftest/<kind>.ts
 * (`run<Kind>Vectors(cases: any[]): CaseResult[]`), then register the runner in RUNNERS
 * below: that table is the only place a kind is named (docs/building.md).
 *
 * Portable code (docs/portability.md): no JSON, no Map, index loops only.
 */
import { runBytesVectors } from "./bytes";
import { runEd25519Vectors } from "./ed25519";
import { runHmacSha256Vectors } from "./hmac-sha256";
import { runSha256Vectors } from "./sha256";
import { runSha512Vectors } from "./sha512";
import { runStrkeyVectors } from "./strkey";
import { runReadingVectors } from "./reading";
import { runAckVectors } from "./ack";
import { runTokenVectors } from "./token";
import { runFrameVectors } from "./frame";
import { runChainVectors } from "./chain";
import type { CaseResult } from "./types";

/** A portable runner: one result per case, in order. `this: void` keeps Lua calls self-less. */
export type VectorRunner = (this: void, cases: any[]) => CaseResult[];

/** Vector kind (the file's "kind") → its runner. Register new kinds here. */
export const RUNNERS: { [kind: string]: VectorRunner } = {
  bytes: runBytesVectors,
  sha256: runSha256Vectors,
  "hmac-sha256": runHmacSha256Vectors,
  reading: runReadingVectors,
  ack: runAckVectors,
  token: runTokenVectors,
  frame: runFrameVectors,
  chain: (cases: any[]) => runChainVectors(cases),
  sha512: runSha512Vectors,
  strkey: runStrkeyVectors,
  ed25519: runEd25519Vectors,
};

/** Totals and one line per failure, closing with "<passed> passed, <failed> failed". */
export interface RunAllResult {
  passed: number;
  failed: number;
  lines: string[];
}

function messageOf(e: any): string {
  if (e && e.message) return `${e.message}`;
  return `${e}`;
}

/** Runs one file's cases; returns [passed, failed] and appends failure lines. */
function runFile(file: any, lines: string[]): number[] {
  const kind: string = file.kind;
  const cases: any[] = file.cases;
  const runner = RUNNERS[kind];
  if (runner === undefined) {
    for (let i = 0; i < cases.length; i++) {
      lines.push(`FAIL ${kind}/${cases[i].name}: no runner registered for kind "${kind}" (shared/selftest/index.ts)`);
    }
    return [0, cases.length];
  }
  let results: CaseResult[];
  try {
    results = runner(cases);
  } catch (e: any) {
    lines.push(`FAIL ${kind}/*: runner threw: ${messageOf(e)}`);
    return [0, cases.length];
  }
  let passed = 0;
  let failed = 0;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r.ok) passed++;
    else {
      failed++;
      lines.push(`FAIL ${kind}/${r.name}: ${r.detail}`);
    }
  }
  // A runner that silently skips cases must not look green: the missing ones count as failed.
  if (results.length !== cases.length) {
    lines.push(`FAIL ${kind}/*: runner returned ${results.length} results for ${cases.length} cases`);
    if (results.length < cases.length) failed += cases.length - results.length;
  }
  return [passed, failed];
}

/**
 * Runs every vector file (objects of the shape {kind, source, cases}) through the runner
 * registered for its kind. Never throws: an unknown kind or a throwing runner fails its cases.
 */
export function runAll(files: any[]): RunAllResult {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  for (let i = 0; i < files.length; i++) {
    const counts = runFile(files[i], lines);
    passed += counts[0];
    failed += counts[1];
  }
  lines.push(`${passed} passed, ${failed} failed`);
  return { passed: passed, failed: failed, lines: lines };
}
