/**
 * The bundle `solkit flash` sends: dist/<board>/firmware.js (firmware.lua for NodeMCU), rebuilt first when it is missing
 * or older than anything it is built from (the device program, shared/, the board file, the
 * build itself).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Board } from "../boards/board-type";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function newest(dir: string): number {
  let t = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (name === "test" || name === "node_modules") continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Whether dist/<id>/firmware.js is missing or older than its sources. */
export function bundleIsStale(board: Board, file = join(REPO, "dist", board.id, "firmware.js")): boolean {
  if (!existsSync(file)) return true;
  const built = statSync(file).mtimeMs;
  const sources = Math.max(
    newest(join(REPO, "firmware")), newest(join(REPO, "shared")), newest(join(REPO, "toolchain")),
    statSync(join(REPO, "boards", `${board.id}.json`)).mtimeMs,
  );
  return sources > built;
}

/**
 * The bundle text for `board` (one character per byte), building it when needed.
 * @throws SolkitError from buildFirmware (E_UNSUPPORTED, E_TOO_BIG, E_BUILD…)
 */
export async function bundleFor(board: Board, opts: { rebuild?: boolean; onNote?: (s: string) => void } = {}): Promise<{ file: string; code: string; built: boolean }> {
  const name = board.target === "nodemcu" ? "firmware.lua" : "firmware.js";
  const file = join(REPO, "dist", board.id, name);
  let built = false;
  if (opts.rebuild || bundleIsStale(board, file)) {
    opts.onNote?.(`building ${board.id} (dist/${board.id}/${name} is ${existsSync(file) ? "older than its sources" : "missing"})…`);
    // Loaded only to build: the bundlers cost seconds at start for a flash that needs no build.
    if (board.target === "nodemcu") await (await import("../toolchain/nodemcu-target")).buildNodemcuFirmware(board);
    else await (await import("../toolchain/firmware")).buildFirmware(board);
    built = true;
  }
  return { file, code: readFileSync(file, "latin1"), built };
}

/**
 * The LFS image built with a NodeMCU bundle (lfs.img beside firmware.lua, written by the same
 * build just after it), or undefined when that build had no luac.cross or the image is older
 * than the bundle (then the source goes up).
 */
export function lfsImageBeside(file: string): { file: string; data: string } | undefined {
  const img = join(dirname(file), "lfs.img");
  if (!existsSync(img) || !existsSync(file) || statSync(img).mtimeMs < statSync(file).mtimeMs) return undefined;
  return { file: img, data: readFileSync(img, "latin1") };
}
