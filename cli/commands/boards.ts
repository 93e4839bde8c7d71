import { existsSync } from "node:fs";
import { relative } from "node:path";
import type { RegisterCommand } from "../command";
import { CliError, EXIT_FAILED, EXIT_OK } from "../errors";
import { paint, type Output } from "../output";
import type { Board } from "../../boards/board-type";
import { boardFiles, checkBoardFile, formatIssue, loadBoards, type BoardIssue } from "../../boards/validate";
import { summary as commandSummary } from "../command-list";

/** `solkit boards` lists the board files; `solkit boards check [FILE...]` validates them. */
export const registerBoards: RegisterCommand = (program, ctx) => {
  const boards = program
    .command("boards")
    .description(commandSummary("boards"))
    .addHelpText(
      "after",
      `
Examples:
  $ solkit boards                         id, target, MCU, buildable, variables and storage, name
  $ solkit boards --json                  one JSON object per board
  $ solkit boards check                   validate every board file (exit 1 on any error)
  $ solkit boards check my-board.json     validate your own file before adding it to boards/

A board file holds the pin facts of one board; boards/board.schema.json (generated from
boards/board-type.ts) lets an editor complete and check it.`,
    )
    .action(() => {
      const out = ctx.output();
      const list = loadBoards();
      if (out.jsonMode) for (const b of list) out.json(summary(b));
      else printTable(out, list);
    });

  boards
    .command("check")
    .description("validate board files and list every problem: file: path: message")
    .argument("[files...]", "board files (default: every file in boards/)")
    .addHelpText(
      "after",
      `
Examples:
  $ solkit boards check
  $ solkit boards check boards/esp32-devkitc.json
  $ solkit boards check --json my-board.json     one JSON object per issue

Errors: schema (missing, unknown or mistyped fields), a pin the board lacks, two functions on one
pin, a pin that cannot do its function (relay on an input-only pin, anything on a flash pin), a
buildable board without limits. Warnings: strapping pins (silence one with allowStrapping: true).
Exit 0 when there is no error (warnings allowed), 1 when there is one, 2 on bad usage.`,
    )
    .action((files: string[]) => {
      const out = ctx.output();
      for (const f of files) if (!existsSync(f)) throw new CliError(`no file ${f}; give board files, or none to check boards/`);
      const targets = files.length > 0 ? files : boardFiles().map((f) => relative(process.cwd(), f) || f);
      const issues = targets.flatMap(checkBoardFile);
      for (const issue of issues) printIssue(out, issue);
      const errors = issues.filter((i) => i.severity === "error").length;
      const warnings = issues.length - errors;
      out.info(`${targets.length} board file${targets.length === 1 ? "" : "s"}: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`);
      ctx.exit(errors === 0 ? EXIT_OK : EXIT_FAILED);
    });
};

/** What the listing shows of a board, also its JSON line. */
function summary(b: Board) {
  return {
    id: b.id,
    target: b.target,
    mcu: b.mcu,
    buildable: b.buildable,
    jsVars: b.limits?.jsVars,
    storageBytes: b.limits?.storageBytes,
    name: b.name,
  };
}

function printIssue(out: Output, issue: BoardIssue): void {
  if (out.jsonMode) {
    out.json(issue);
    return;
  }
  const line = formatIssue(issue);
  out.line(issue.severity === "error" ? paint(out, "red", line) : paint(out, "yellow", line));
}

function printTable(out: Output, list: Board[]): void {
  const rows = list.map((b) => [
    b.id,
    b.target,
    b.mcu.replace(/\s*\(.*$/, ""),
    b.buildable ? "yes" : "not yet",
    b.limits?.jsVars !== undefined ? String(b.limits.jsVars) : "-",
    b.limits ? `${Math.round(b.limits.storageBytes / 1024)} KiB` : "-",
    b.name,
  ]);
  const header = ["ID", "TARGET", "MCU", "BUILDABLE", "VARS", "STORAGE", "NAME"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  out.line(paint(out, "bold", render(header)));
  for (const r of rows) out.line(render(r));
}
