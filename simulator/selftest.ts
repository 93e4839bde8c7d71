/**
 * Runs the golden vectors (shared/test/vectors/*.json) through shared/selftest in the two
 * non-Node places: the Espruino bundle inside the Espruino sandbox, and the Lua bundle in
 * the real lua5.3. Both builds use the same entry and the same runAll as Node, so the three
 * places run exactly the same checks; the vectors go in as data the target can read (JSON
 * source text for Espruino, a Lua table literal for Lua, which has no JSON parser).
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SolkitError } from "../shared/errors";
import { runInEspruinoSandbox } from "./espruino/sandbox";
import { runLuaFile } from "./lua/run-lua";
import { runFileOnInterpreter } from "./real-espruino/run-file";
import { buildEspruinoBundle } from "../toolchain/espruino";
import { buildLuaBundle } from "../toolchain/lua";
import { toLuaLiteral } from "../toolchain/lua-literal";
import { luacCross } from "../toolchain/luac-cross";
import { buildLfsImage } from "../toolchain/nodemcu-lfs";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the vector files live. */
export const VECTOR_DIR = join(REPO_ROOT, "shared", "test", "vectors");
/** The portable self-test entry (exports runAll). */
export const SELFTEST_ENTRY = join(REPO_ROOT, "shared", "selftest", "index.ts");

/** What one place reported: its totals, failure lines and everything it printed. */
export interface SelftestRun {
  passed: number;
  failed: number;
  /** The printed lines, "FAIL …" ones and the closing "<p> passed, <f> failed". */
  lines: string[];
}

/**
 * Every vector file in `dir` (sorted by name), parsed.
 * @throws SolkitError E_VECTORS when a file is not JSON or lacks kind/cases
 */
export function loadVectorFiles(dir: string = VECTOR_DIR): any[] {
  const names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  return names.map((n) => {
    let file: any;
    try {
      file = JSON.parse(readFileSync(join(dir, n), "utf8"));
    } catch (e: any) {
      throw new SolkitError("E_VECTORS", `${n}: not JSON (${e && e.message})`);
    }
    if (typeof file.kind !== "string" || !Array.isArray(file.cases)) {
      throw new SolkitError("E_VECTORS", `${n}: expected {"kind": string, "cases": [...]}`);
    }
    return file;
  });
}

/** Number of cases in all `files`. */
export function countCases(files: any[]): number {
  return files.reduce((n, f) => n + f.cases.length, 0);
}

/** Reads the closing "<p> passed, <f> failed" line; a run that never printed it failed. */
function summarize(lines: string[], where: string, extra: string): SelftestRun {
  const last = lines.length > 0 ? lines[lines.length - 1] : "";
  const m = /^(\d+) passed, (\d+) failed$/.exec(last);
  if (!m) {
    throw new SolkitError("E_SELFTEST", `${where} self-test did not finish: ${[...lines.slice(-5), extra].join(" | ")}`);
  }
  return { passed: Number(m[1]), failed: Number(m[2]), lines };
}

/**
 * Builds the self-test for Espruino into `outDir` and runs `files` in the Espruino sandbox.
 * @throws SolkitError E_ESPRUINO_FEATURE / E_BUILD from the build, E_SELFTEST when the run crashed
 */
export async function runSelftestEspruino(files: any[], outDir: string): Promise<SelftestRun> {
  const bundle = join(outDir, "selftest.espruino.js");
  const { code } = await buildEspruinoBundle({ entry: SELFTEST_ENTRY, outFile: bundle, globalName: "solkitSelftest" });
  // The driver, as a board would get it: data as JSON source text, results through print().
  const driver = [
    `var VECTORS = ${JSON.stringify(files)};`,
    "var result = solkitSelftest.runAll(VECTORS);",
    "for (var i = 0; i < result.lines.length; i++) print(result.lines[i]);",
  ].join("\n");
  const run = runInEspruinoSandbox(`${code}\n${driver}\n`);
  return summarize(run.lines, "Espruino", run.error ?? "");
}

/**
 * Builds the self-test for Espruino into `outDir` and runs `files` on the REAL interpreter
 * `bin` (a Linux build of Espruino: ../shared/espruino/espruino-default), as one file given
 * on its command line. Its language is the board's; the growing build holds the whole file
 * in RAM, which a board-sized build cannot (the bundles themselves boot from Storage there).
 * The interpreter stays at its prompt after the file, so the run ends at the closing line.
 * @throws SolkitError from the build; E_SELFTEST when the run crashed or timed out
 */
export async function runSelftestRealEspruino(files: any[], outDir: string, bin: string, timeoutMs = 300_000): Promise<SelftestRun> {
  const bundle = join(outDir, "selftest.espruino.js");
  const { code } = await buildEspruinoBundle({ entry: SELFTEST_ENTRY, outFile: bundle, globalName: "solkitSelftest" });
  const file = join(outDir, "selftest-real.js");
  await writeFile(file, `${code}\nvar VECTORS = ${JSON.stringify(files)};\nvar result = solkitSelftest.runAll(VECTORS);\nfor (var i = 0; i < result.lines.length; i++) print(result.lines[i]);\n`);
  const { out } = await runFileOnInterpreter(bin, file, outDir, /^\d+ passed, \d+ failed\s*$/m, timeoutMs);
  const lines = out.split(/\r?\n/).map((l) => l.trimEnd());
  const start = lines.findIndex((l) => l.startsWith("FAIL ") || /^\d+ passed, \d+ failed$/.test(l));
  const body = start < 0 ? [] : lines.slice(start).filter((l) => l.startsWith("FAIL ") || /^\d+ passed, \d+ failed$/.test(l));
  return summarize(body, "real Espruino", start < 0 ? lines.slice(-5).join(" | ") : "");
}

/**
 * Builds the self-test for Lua into `outDir` and runs `files` in lua5.3.
 * @throws SolkitError E_LUA_BUILD from the build, E_LUA_MISSING without lua5.3, E_SELFTEST when the run crashed
 */
export async function runSelftestLua(files: any[], outDir: string, opts: { lfs?: boolean } = {}): Promise<SelftestRun> {
  await mkdir(outDir, { recursive: true });
  const bundle = join(outDir, "selftest.lua");
  await buildLuaBundle({ entry: SELFTEST_ENTRY, outFile: bundle });
  // With lfs: the bundle as an LFS image, run from it in NodeMCU's own Lua core (luac.cross -F).
  const image = join(outDir, "selftest.img");
  if (opts.lfs) buildLfsImage(await readFile(bundle, "latin1"), image, { module: "selftest", debugInfo: true });
  const driver = join(outDir, "run-selftest.lua");
  await writeFile(
    driver,
    [
      opts.lfs ? `local selftest = LFS.get("selftest")()` : `local selftest = dofile(${toLuaLiteral(bundle)})`,
      `local files = ${toLuaLiteral(files, "vectors")}`,
      "local result = selftest.runAll(files)",
      "for i = 1, #result.lines do print(result.lines[i]) end",
      "",
    ].join("\n"),
  );
  const run = await runLuaFile(driver, opts.lfs ? { lua: luacCross(), options: ["-F", image, "-e"] } : {});
  const lines = run.stdout.split("\n").filter((l) => l !== "");
  return summarize(lines, opts.lfs ? "NodeMCU Lua (LFS)" : "Lua", `exit ${run.code} ${run.stderr.trim()}`);
}
