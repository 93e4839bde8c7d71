/**
 * The golden vectors in all three places (issue 2, "Portability, proven"): Node runs
 * shared/selftest's runAll directly, the Espruino bundle runs it in the Espruino sandbox,
 * and the Lua bundle runs it in Debian's lua5.3 and, as an LFS image, in NodeMCU's own Lua core
 * (luac.cross, toolchain/nodemcu-luac: the VM a NodeMCU chip runs). Every case must pass in each, and the
 * number passed must equal the number of cases in the files, so a runner that skips
 * cases, or a kind nobody registered, cannot look green.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkEspruinoBundle } from "../../toolchain/espruino-check";
import { countCases, loadVectorFiles, runSelftestEspruino, runSelftestLua } from "../../simulator/selftest";
import { runAll } from "../../shared/selftest/index";

const files = loadVectorFiles();
const total = countCases(files);
const dir = mkdtempSync(join(tmpdir(), "solkit-portability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("golden vectors", () => {
  it("exist, with more than a handful of cases", () => {
    expect(files.map((f) => f.kind)).toContain("bytes");
    expect(total).toBeGreaterThan(20);
  });

  it("pass in Node (runAll directly)", () => {
    const r = runAll(files);
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r).toMatchObject({ passed: total, failed: 0 });
    expect(r.lines[r.lines.length - 1]).toBe(`${total} passed, 0 failed`);
  });

  it("pass in the Espruino bundle, which passes the feature checker", async () => {
    const r = await runSelftestEspruino(files, dir);
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r).toMatchObject({ passed: total, failed: 0 });
    const { readFileSync } = await import("node:fs");
    expect(checkEspruinoBundle(readFileSync(join(dir, "selftest.espruino.js"), "utf8"))).toEqual([]);
  });

  it("pass in the Lua bundle under lua5.3", async () => {
    const r = await runSelftestLua(files, dir);
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r).toMatchObject({ passed: total, failed: 0 });
  }, 300_000);

  it("pass in the Lua bundle run from LFS in NodeMCU's own Lua core", async () => {
    const r = await runSelftestLua(files, join(dir, "lfs"), { lfs: true });
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r).toMatchObject({ passed: total, failed: 0 });
  }, 300_000);
});

describe("runAll", () => {
  it("fails every case of a kind without a runner, and a runner that skips cases", () => {
    const r = runAll([{ kind: "no-such-kind", source: "test", cases: [{ name: "a" }, { name: "b" }] }]);
    expect(r).toMatchObject({ passed: 0, failed: 2 });
    expect(r.lines[0]).toBe('FAIL no-such-kind/a: no runner registered for kind "no-such-kind" (shared/selftest/index.ts)');
    expect(r.lines[2]).toBe("0 passed, 2 failed");
  });

  it("reports a failing case with its kind, name and detail", () => {
    const r = runAll([{ kind: "bytes", source: "test", cases: [{ name: "wrong", op: "u32", input: 1, value: 2 }] }]);
    expect(r.lines).toEqual(["FAIL bytes/wrong: u32 of 1 gave 1, want 2", "0 passed, 1 failed"]);
  });
});
