/**
 * The program itself: --version, the help listing every command without loading one, and
 * the error family turned into lines and exit codes in one place (cli/errors.ts).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { solkit } from "./helpers";
import { COMMAND_LIST } from "../../cli/command-list";
import { LOADERS } from "../../cli/registry";
import { commandNamed } from "../../cli/program";
import { CliError, errorLine, exitCodeFor } from "../../cli/errors";
import { SolkitError } from "../../shared/errors";

const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));

describe("solkit (the program)", () => {
  it("--version prints the package's version", () => {
    for (const flag of ["--version", "-V"]) {
      const r = solkit([flag]);
      expect([r.status, r.stdout.trim()]).toEqual([0, pkg.version]);
    }
  });

  it("--help lists every command with its summary, from the list alone", () => {
    const r = solkit(["--help"]);
    expect(r.status).toBe(0);
    const flat = r.stdout.replace(/\s+/g, " ");
    for (const c of COMMAND_LIST) expect(flat).toContain(`${c.name}${c.args ? ` ${c.args}` : ""} ${c.summary}`);
  });

  it("every listed command has a loader, and each loader registers the command it is named for", async () => {
    expect(Object.keys(LOADERS).sort()).toEqual(COMMAND_LIST.map((c) => c.name).sort());
    const { Command } = await import("commander");
    for (const c of COMMAND_LIST) {
      const program = new Command("solkit");
      (await LOADERS[c.name]())(program, { output: () => { throw new Error("not run"); }, exit: () => {} });
      expect(program.commands.map((x) => x.name())).toEqual([c.name]);
      expect(program.commands[0].description()).toBe(c.summary);
    }
  });

  it("finds the command a command line names, past global flags and 'help'", () => {
    expect(commandNamed(["--json", "boards", "check"])).toBe("boards");
    expect(commandNamed(["help", "flash"])).toBe("flash");
    expect(commandNamed(["--help"])).toBeUndefined();
    expect(commandNamed(["bords"])).toBeUndefined();
  });

  it("a typo gets a suggestion and exit 2", () => {
    const r = solkit(["bords"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^solkit: unknown command 'bords' \(did you mean boards\?\); run 'solkit --help'/);
  });

  it("commander's own errors name the next step, per command (issue 11)", () => {
    const missing = solkit(["build"]);
    expect([missing.status, missing.stderr]).toEqual([2, "solkit: required option '-b, --board <id>' not specified; run 'solkit build --help' for its options and examples\n"]);
    expect(solkit(["flsh"]).stderr).toBe("solkit: unknown command 'flsh' (did you mean flash?); run 'solkit --help' for the commands and examples\n");
    const sub = solkit(["host", "add-device"]);
    expect(sub.stderr).toMatch(/^solkit: .*; run 'solkit host add-device --help' for its options and examples\n$/);
    expect(solkit(["--bogus"]).stderr).toBe("solkit: unknown option '--bogus'; run 'solkit --help' for the commands and examples\n");
  });

  it("turns the error family into a line and an exit code", () => {
    expect([errorLine(new CliError("give --port")), exitCodeFor(new CliError("give --port"))]).toEqual(["give --port", 2]);
    expect(exitCodeFor(new CliError("2 frames failed", 1))).toBe(1);
    expect([errorLine(new SolkitError("E_BOARD", "no board 'x'")), exitCodeFor(new SolkitError("E_BOARD", "no board 'x'"))]).toEqual(["no board 'x'", 2]);
    expect([errorLine(new SolkitError("E_PORT", "port gone")), exitCodeFor(new SolkitError("E_PORT", "port gone"))]).toEqual(["port gone (E_PORT)", 1]);
    expect([errorLine(new TypeError("x is undefined")), exitCodeFor(new TypeError("x"))]).toEqual(["internal error: x is undefined", 1]);
  });

  it("an unknown board through the CLI is one line and exit 2", () => {
    const r = solkit(["build", "--board", "esp33"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("solkit: no board 'esp33' (did you mean 'esp32-devkitc'?); known: esp32-devkitc, espruino-pico, espruino-wifi, nodemcu-esp32, nodemcu-esp8266, rpi-zero-2w, rpi4");
  });
});
