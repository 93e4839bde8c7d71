/**
 * Board files: validation that lists every problem at once (schema, then the pin rules, then the
 * board-level rules), and loading by id for the build, the simulator and the flasher. In the
 * manner of DeviceScript's board validator and ESPHome's pin checks (STYLE.md, "Boards are data").
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Board } from "./board-type";
import { checkSchema, type JsonSchema } from "./schema-check";
import { checkEnergyInput, checkPinUses, indexChipPins, type Severity } from "./pin-rules";
import { nearest } from "./nearest";
import { SolkitError } from "../shared/errors";

/** The repository's boards/ folder. */
export const BOARDS_DIR = dirname(fileURLToPath(import.meta.url));
export const SCHEMA_FILE_NAME = "board.schema.json";

/** One problem in one board file. `line`/`column` only for JSON syntax errors. */
export interface BoardIssue {
  file: string;
  /** JSON path such as `pins.relay[0].pin`; `$` for the whole file. */
  path: string;
  severity: Severity;
  message: string;
  line?: number;
  column?: number;
}

let schemaCache: JsonSchema | undefined;
function boardSchema(): JsonSchema {
  schemaCache ??= JSON.parse(readFileSync(join(BOARDS_DIR, SCHEMA_FILE_NAME), "utf8")) as JsonSchema;
  return schemaCache;
}

/** Which flashing method each target uses. */
const FLASH_FOR_TARGET: Record<string, string> = { espruino: "espruino-repl", nodemcu: "nodemcu-luatool", node: "node-copy" };

/**
 * Every problem of a parsed board file: schema errors (missing, unknown, mistyped fields), pin
 * errors (unknown pin, clash, missing capability, flash or reserved pin), strapping warnings, and
 * board rules (limits for a buildable board, id = file name, flash method of the target).
 * @throws Error only when boards/board.schema.json itself cannot be read
 */
export function validateBoard(json: unknown, fileName: string): BoardIssue[] {
  const issues: BoardIssue[] = [];
  const report = (severity: Severity, path: string, message: string) => issues.push({ file: fileName, path, severity, message });
  const schema = boardSchema();
  for (const p of checkSchema(json, schema, schema)) report("error", p.path, p.message);
  if (typeof json !== "object" || json === null || Array.isArray(json)) return issues;
  const b = json as Record<string, unknown>;

  const chipPins = indexChipPins(b.chipPins, report);
  checkPinUses(b.pins, chipPins, report);
  checkEnergyInput(b.pins, report);

  const stem = basename(fileName).replace(/\.json$/, "");
  if (typeof b.id === "string" && stem !== b.id && fileName.endsWith(".json")) {
    report("error", "id", `id "${b.id}" differs from the file name ${basename(fileName)}; name the file ${b.id}.json`);
  }
  if (b.buildable === true) {
    if (b.limits === undefined) report("error", "limits", "a buildable board needs limits (RAM, code flash, storage)");
    else if (b.target === "espruino" && typeof b.limits === "object" && b.limits !== null && !("jsVars" in b.limits)) {
      report("error", "limits.jsVars", "an Espruino board needs jsVars (process.memory().total) for the build's budget");
    }
    if (b.whyNotBuildable !== undefined) report("warning", "whyNotBuildable", "set although buildable is true");
  } else if (b.buildable === false && b.whyNotBuildable === undefined) {
    report("error", "whyNotBuildable", "say why the board is not buildable yet");
  }
  if (typeof b.target === "string" && typeof b.flash === "string" && FLASH_FOR_TARGET[b.target] && FLASH_FOR_TARGET[b.target] !== b.flash) {
    report("error", "flash", `target ${b.target} flashes with "${FLASH_FOR_TARGET[b.target]}", not "${b.flash}"`);
  }
  const link = b.link as Record<string, unknown> | undefined;
  if (link && typeof link === "object") {
    if (link.mqtt === true && link.wifi === false && b.target !== "node") report("error", "link.mqtt", "MQTT needs a network, and wifi is false");
    if (link.serial === undefined && link.mqtt === false) report("error", "link", "no way to reach the host: neither serial nor mqtt");
  }
  if (b.$schema !== undefined && (typeof b.$schema !== "string" || !b.$schema.endsWith(SCHEMA_FILE_NAME))) {
    report("warning", "$schema", `expected a path to ${SCHEMA_FILE_NAME} ("./${SCHEMA_FILE_NAME}" in boards/) so editors check the file`);
  }
  return issues;
}

/** Where a JSON.parse error points, as line and column (1-based). */
function syntaxPosition(text: string, message: string): { line: number; column: number } | undefined {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (!pos) return undefined;
  const before = text.slice(0, Number(pos[1])).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Reads and parses a board file; a syntax error comes back as an issue with its line and column. */
export function readBoardFile(file: string): { json?: unknown; issue?: BoardIssue } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return { issue: { file, path: "$", severity: "error", message: `cannot read: ${(err as Error).message}` } };
  }
  try {
    return { json: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    const where = syntaxPosition(text, message);
    return { issue: { file, path: "$", severity: "error", message: `not valid JSON: ${message.replace(/\s*\(line \d+ column \d+\)|\s*in JSON at position \d+/g, "")}`, ...where } };
  }
}

/** Reads, parses and validates one file. */
export function checkBoardFile(file: string): BoardIssue[] {
  const { json, issue } = readBoardFile(file);
  return issue ? [issue] : validateBoard(json, file);
}

/** A board issue as one line: `file: path: message` (or `file:line:col: message` for JSON syntax). */
export function formatIssue(issue: BoardIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.column}` : `${issue.file}: ${issue.path}`;
  return `${where}: ${issue.severity === "warning" ? "warning: " : ""}${issue.message}`;
}

/** The board files in `dir` (every *.json but the schema), sorted by name. */
export function boardFiles(dir: string = BOARDS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== SCHEMA_FILE_NAME)
    .sort()
    .map((f) => join(dir, f));
}

/** The ids of the boards in `dir`. */
export function boardIds(dir: string = BOARDS_DIR): string[] {
  return boardFiles(dir).map((f) => basename(f, ".json"));
}

/**
 * Loads and validates one board file; any error (warnings pass) stops here with one line.
 * @throws SolkitError E_BOARD (the CLI: exit 2) for unreadable JSON (with file:line:col) or a board with errors
 */
export function loadBoardFile(file: string): Board {
  const issues = checkBoardFile(file);
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run 'solkit boards check ${file}')` : "";
    throw new SolkitError("E_BOARD", `${formatIssue(errors[0])}${more}`);
  }
  return readBoardFile(file).json as Board;
}

/**
 * Every board in `dir`, validated.
 * @throws SolkitError E_BOARD (the CLI: exit 2) when a board file is not valid JSON or has errors
 */
export function loadBoards(dir: string = BOARDS_DIR): Board[] {
  return boardFiles(dir).map(loadBoardFile);
}

/**
 * The board with this id, validated.
 * @throws SolkitError E_BOARD (the CLI: exit 2) for an unknown id (naming the known ones and the nearest), or a bad file
 */
export function loadBoard(id: string, dir: string = BOARDS_DIR): Board {
  const ids = boardIds(dir);
  if (!ids.includes(id)) {
    const hint = nearest(id, ids);
    throw new SolkitError("E_BOARD", `no board '${id}'${hint ? ` (did you mean '${hint}'?)` : ""}; known: ${ids.join(", ")}`);
  }
  return loadBoardFile(join(dir, `${id}.json`));
}
