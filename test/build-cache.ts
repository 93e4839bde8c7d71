/**
 * Built bundles shared across test files (issue 10, suite time): a build is keyed by the
 * SHA-256 of everything that goes into it (the sources under firmware/, shared/ and
 * toolchain/, the board as loaded, the call's options) and kept under
 * node_modules/.cache/solkit-test-builds/<key>/. A second test file asking for the same
 * bundle reads it back instead of running rollup, babel and terser again. Any source edit
 * changes the key, so a stale bundle is never served.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Board } from "../boards/board-type";
import { bundle, buildFirmware, type BuildReport } from "../toolchain/firmware";

const ROOT = join(__dirname, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "solkit-test-builds");

let sourcesHash: string | undefined;

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name === "node_modules" || e.name === "test" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) hashTree(h, p);
    else {
      h.update(p);
      h.update(readFileSync(p));
    }
  }
}

/** The hash of every source a bundle is made from, once per test file. */
function sources(): string {
  if (sourcesHash === undefined) {
    const h = createHash("sha256");
    for (const d of ["firmware", "shared", "toolchain"]) hashTree(h, join(ROOT, d));
    sourcesHash = h.digest("hex");
  }
  return sourcesHash;
}

/** Runs `make(dir)` unless the same inputs were built before; returns the cached folder. */
async function cached(inputs: unknown, make: (dir: string) => Promise<void>): Promise<string> {
  const key = createHash("sha256").update(sources()).update(JSON.stringify(inputs)).digest("hex").slice(0, 32);
  const dir = join(CACHE, key);
  if (existsSync(join(dir, "firmware.js"))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, `.tmp-${key}-`));
  try {
    await make(tmp);
    try {
      renameSync(tmp, dir); // whole or not at all; a parallel file may have won the race
    } catch {
      if (!existsSync(join(dir, "firmware.js"))) throw new Error(`build cache: could not store ${dir}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** `buildFirmware(board)`: the bundle's text and its report, built once per source state. */
export async function cachedFirmware(board: Board): Promise<{ code: string; report: BuildReport }> {
  const dir = await cached({ kind: "firmware", board }, async (d) => {
    const report = await buildFirmware(board, d);
    writeFileSync(join(d, "report.json"), JSON.stringify(report));
  });
  return { code: readFileSync(join(dir, "firmware.js"), "latin1"), report: JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) };
}

/** `bundle(board, profile, outboxSegments)`: one profile's bundle text, built once per source state. */
export async function cachedBundle(board: Board, profile: Parameters<typeof bundle>[1], outboxSegments: number): Promise<string> {
  const dir = await cached({ kind: "bundle", board, profile, outboxSegments }, async (d) => {
    await bundle(board, profile, outboxSegments, join(d, "firmware.js"));
  });
  return readFileSync(join(dir, "firmware.js"), "latin1");
}
