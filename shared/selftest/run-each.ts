/**
 * The loop every portable vector runner shares (docs/portability.md): one check per case, ""
 * when it passes or what went wrong; an exception becomes a failed case, so a runner never
 * throws and a broken case never hides the others.
 */
import type { CaseResult } from "./types";

/** Runs `one` over every case; an exception becomes a failed case with its message. */
export function runEach(cases: any[], one: (c: any) => string): CaseResult[] {
  const out: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    let detail = "";
    try {
      detail = one(cases[i]);
    } catch (e: any) {
      detail = `threw ${e && e.code}: ${e && e.message}`;
    }
    out.push({ name: cases[i].name, ok: detail === "", detail: detail });
  }
  return out;
}
