/**
 * The firmware the simulator runs is the built artifact, dist/<board>/firmware.js — the bytes
 * `solkit flash` uploads — never the TypeScript sources. It is (re)built when missing or older
 * than any source that goes into it (firmware/, shared/, toolchain/, the board file). The
 * build goes to a temporary folder and is renamed into place, and one process builds a board
 * at a time (build-lock.ts): a run that finds another building waits, then uses its build.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadBoard } from "../../boards/validate";
import { withBuildLock } from "./build-lock";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function newestMtime(dir: string): number {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name === "test" || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Where the built firmware of `boardId` lives: firmware.js for Espruino, firmware.cjs for a Pi (Node). */
export function firmwarePath(boardId: string): string {
  const target = loadBoard(boardId).target;
  return join(REPO, "dist", boardId, target === "node" ? "firmware.cjs" : target === "nodemcu" ? "firmware.lua" : "firmware.js");
}

/** True when dist/<board>/firmware.js exists and is newer than every source that makes it. */
export function isFresh(boardId: string): boolean {
  const file = firmwarePath(boardId);
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  const sources = Math.max(
    newestMtime(join(REPO, "firmware")), newestMtime(join(REPO, "shared")), newestMtime(join(REPO, "toolchain")),
    statSync(join(REPO, "boards", `${boardId}.json`)).mtimeMs,
  );
  return built >= sources;
}

/** Builds `boardId` into a temporary folder and renames the results into place beside `file`. */
async function build(boardId: string, file: string): Promise<void> {
  const tmp = mkdtempSync(join(REPO, "dist", `.build-${boardId}-`));
  try {
    // Loaded only to build (rollup, babel, terser: seconds at start otherwise).
    const board = loadBoard(boardId);
    const report = board.target === "node"
      ? await (await import("../../toolchain/node-target")).buildNodeFirmware(board, tmp)
      : board.target === "nodemcu"
        ? await (await import("../../toolchain/nodemcu-target")).buildNodemcuFirmware(board, tmp)
        : await (await import("../../toolchain/firmware")).buildFirmware(board, tmp);
    writeFileSync(join(dirname(file), "report.json"), JSON.stringify({ ...report, file: relative(REPO, file) }, null, 2) + "\n");
    renameSync(join(tmp, basename(file)), file);
    // A NodeMCU build's LFS image goes with its bundle (written after it, so not older: flash/bundle.ts).
    const image = join(dirname(file), "lfs.img");
    if (existsSync(join(tmp, "lfs.img"))) renameSync(join(tmp, "lfs.img"), image);
    else rmSync(image, { force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The built firmware of a board as latin1 text, building it first when needed.
 * @returns the code and whether it was (re)built now
 * @throws SolkitError from the build (E_UNSUPPORTED, E_TOO_BIG, …)
 */
export async function ensureFirmware(boardId: string, onBuild?: (why: string) => void): Promise<{ code: string; built: boolean }> {
  const file = firmwarePath(boardId);
  let built = false;
  if (!isFresh(boardId)) {
    mkdirSync(dirname(file), { recursive: true });
    await withBuildLock(join(REPO, "dist", `.build-${boardId}.lock`), async () => {
      if (isFresh(boardId)) return; // built by whoever held the lock
      onBuild?.(existsSync(file) ? "older than its sources" : "not built yet");
      await build(boardId, file);
      built = true;
    });
  }
  // Espruino's bundle is bytes (latin1, as flash sends it); esbuild writes ASCII, so either reads it.
  return { code: readFileSync(file, "latin1"), built };
}
