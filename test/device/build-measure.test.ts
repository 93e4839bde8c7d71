/**
 * `solkit build --measure` (issue 9: the build report's memory and block figures come from
 * the real interpreter): the esp32 bundle run on the 16,383-variable build, its figures in
 * the summary and in report.json.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "solkit-build-measure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("solkit build --measure runs the bundle on the real interpreter and reports what it used", () => {
  const r = spawnSync(process.execPath, [join(process.cwd(), "bin/solkit.mjs"), "build", "--board", "esp32-devkitc", "--out", dir, "--measure", "15"], {
    encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 300_000,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/measured {2}on espruino-16383 \(the real interpreter\) for 15 s, \d+ readings taken:/);
  const m = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")).measured;
  expect(m.interpreter).toBe("espruino-16383");
  expect(m.varsTotal).toBe(16383);
  // Provisioned and signing: more than the bare interpreter's ~150, well under the budget.
  expect(m.varsAtRest).toBeGreaterThan(1000);
  expect(m.varsPeak).toBeGreaterThanOrEqual(m.varsAtRest);
  expect(m.varsPeak).toBeLessThan(16383);
  expect(m.longestBlockMs).toBeGreaterThan(0);
  expect(m.signatures).toBeGreaterThanOrEqual(3);
  console.log(`build --measure: ${m.varsAtRest} at rest, peak ${m.varsPeak}; longest block ${m.longestBlockMs} ms; ${m.signatures} readings`);
}, 400_000);
