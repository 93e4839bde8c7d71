/**
 * The scenario library CI runs, split over test files so vitest runs them on both cores; one
 * test checks that every file in simulator/scenarios/ belongs to exactly one group.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { ensureFirmware } from "../../../simulator/scenario/artifact";
import { runScenario, type ScenarioResult } from "../../../simulator/scenario/runner";
import { readScenarioFile } from "../../../simulator/scenario/validate";
import type { Scenario } from "../../../simulator/scenario/types";

export const LIBRARY = join(__dirname, "..", "..", "..", "simulator", "scenarios");

export const GROUPS: Record<string, string[]> = {
  weeks: ["sunny-week", "cloudy-week"],
  cuts: ["power-cuts"],
  credit: ["credit-runs-out", "top-up", "replayed-token"],
  links: ["unplugged-cable", "outbox-full", "clock-jump", "gateway-faults"],
};

export function libraryNames(): string[] {
  return readdirSync(LIBRARY).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();
}

/**
 * Runs one library scenario through the same runner `solkit sim` uses; every check must hold.
 * `board` runs it on another board than the file's (as `solkit sim --board`); `adapt` changes
 * what a board's different size makes necessary (said where it is used).
 */
export async function runLibraryScenario(name: string, board?: string, adapt?: (sc: Scenario) => void): Promise<ScenarioResult> {
  const { scenario, issues } = readScenarioFile(join(LIBRARY, `${name}.json`), board);
  expect(issues).toEqual([]);
  adapt?.(scenario!);
  const fw = await ensureFirmware(scenario!.board);
  const r = await runScenario(scenario!, { firmware: fw.code });
  const failed = r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  expect(failed).toEqual([]);
  console.log(`${name}${board ? ` on ${board}` : ""}: ${r.verified} verified, ${r.simMs / 3_600_000} h simulated in ${(r.wallMs / 1000).toFixed(1)} s, longest block ${r.longestBlockMs.toFixed(1)} ms (${r.longestBlockWhat})`);
  return r;
}
