/**
 * Where the real Espruino interpreter is: Linux builds of Espruino's own source, one per
 * variable count (`espruino-16383` for an ESP32, `espruino-8190` for an Espruino WiFi,
 * `espruino-5100` for a Pico, `espruino-default` that grows as needed). They sit in
 * `../shared/espruino/` beside the project (as CI has them), or where `SOLKIT_ESPRUINO`
 * says: a folder holding such builds, or one binary used for every board.
 *
 * The emulation in simulator/espruino runs on V8 and cannot tell time, memory or what the
 * interpreter's language refuses (issue 9); this is how the tests and the bench reach the truth.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Board } from "../../boards/board-type";
import { SolkitError } from "../../shared/errors";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The folder CI provides beside the checkout. */
export const DEFAULT_ESPRUINO_DIR = resolve(REPO_ROOT, "..", "shared", "espruino");

/** How to get one, for the message a machine without it prints. */
export const HOW_TO_BUILD =
  "build one from github.com/espruino/Espruino with `RELEASE=1 make` (VARIABLES=N for a board-sized build) and put it in ../shared/espruino/ as espruino-N, or set SOLKIT_ESPRUINO";

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The folder or file SOLKIT_ESPRUINO names, else the default folder. */
function source(env: NodeJS.ProcessEnv): string {
  const v = env.SOLKIT_ESPRUINO;
  return v !== undefined && v !== "" ? resolve(v) : DEFAULT_ESPRUINO_DIR;
}

/**
 * The interpreter build with `variables` blocks ("default": the growing one), or undefined
 * when this machine has none.
 */
export function findInterpreter(variables: number | "default", env: NodeJS.ProcessEnv = process.env): string | undefined {
  const src = source(env);
  if (isFile(src)) return src;
  const p = join(src, `espruino-${variables}`);
  return isFile(p) ? p : undefined;
}

/** The build for a board: its `limits.jsVars`. @throws SolkitError E_NO_INTERPRETER, E_UNSUPPORTED */
export function interpreterFor(board: Board, env: NodeJS.ProcessEnv = process.env): string {
  if (board.target !== "espruino" || !board.limits || !board.limits.jsVars) {
    throw new SolkitError("E_UNSUPPORTED", `${board.id}: the real Espruino interpreter runs espruino boards with limits.jsVars`);
  }
  const bin = findInterpreter(board.limits.jsVars, env);
  if (bin === undefined) {
    throw new SolkitError("E_NO_INTERPRETER", `no Espruino build with ${board.limits.jsVars} variables for ${board.id} in ${source(env)}: ${HOW_TO_BUILD}`);
  }
  return bin;
}

/** One line saying why the real tier cannot run here, or undefined when it can. */
export function whyNoInterpreter(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (findInterpreter("default", env) !== undefined) return undefined;
  const src = source(env);
  return `no real Espruino interpreter at ${src}${existsSync(src) ? " (no espruino-default in it)" : ""}: ${HOW_TO_BUILD}`;
}
