/**
 * The golden vectors on the real Espruino interpreter (issue 9): the same bundle that passes
 * them in the emulation must pass them where boards run it — before the SolkitError fix, 74
 * of the 199 (every case that must be rejected) failed there. A bundle with `extends Error`
 * is refused by the build check, and the interpreter shows why.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { countCases, loadVectorFiles, runSelftestRealEspruino } from "../../simulator/selftest";
import { checkEspruinoBundle } from "../../toolchain/espruino-check";
import { findInterpreter } from "../../simulator/real-espruino/interpreter";

const bin = findInterpreter("default")!;
const dir = mkdtempSync(join(tmpdir(), "solkit-real-selftest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("golden vectors on the real interpreter", () => {
  it("all pass, rejections included", async () => {
    const files = loadVectorFiles();
    const r = await runSelftestRealEspruino(files, dir, bin);
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r).toMatchObject({ passed: countCases(files), failed: 0 });
  }, 600_000);

  it("constructing a subclass of Error throws there, and the build check names it", () => {
    const src = "class E1 extends Error { constructor(m) { super(m); this.code = 'X'; } }\ntry { new E1('m'); print('constructed'); } catch (e) { print('threw ' + e); }\n";
    const file = join(dir, "extends-error.js");
    writeFileSync(file, src);
    const r = spawnSync("timeout", ["-s", "KILL", "3", bin, file], { encoding: "latin1", input: "" });
    expect(r.stdout).toContain("threw SyntaxError: Calling 'super' outside of class");
    expect(checkEspruinoBundle(src).map((f) => f.feature)).toContain("extends Error");
  });
});
