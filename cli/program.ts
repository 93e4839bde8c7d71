import { readFileSync } from "node:fs";
import { Command } from "commander";
import { createContext } from "./command";
import { COMMAND_LIST } from "./command-list";
import { LOADERS } from "./registry";

const EXAMPLES = `
Examples:
  $ solkit build --board esp32-devkitc                 dist/esp32-devkitc/firmware.js and report.json
  $ solkit flash --board esp32-devkitc --port /dev/ttyUSB0
  $ solkit provision --board esp32-devkitc --port /dev/ttyUSB0 --site village-3
  $ solkit monitor --port /dev/ttyUSB0                 log lines, and every reading decoded and checked
  $ solkit sim simulator/scenarios/*.json              the scenario library on the built firmware
  $ solkit host                                        the gateway on embedded defaults (broker, SQLite)
  $ solkit verify console.log                          check every frame in a serial capture

Exit codes: 0 success, 1 a check failed, 2 bad usage or setup.
Run 'solkit <command> --help' for a command's own options and examples.`;

/** The package's version, for `--version` (read, not imported: no JSON module on the start path). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * The command `argv` names: the first word that is not a global flag (none of them takes a
 * value), or the one after `help`. Undefined for `--help`, `--version` or nothing.
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return name !== undefined && name in LOADERS ? name : undefined;
}

/** Commander's "error: X\n(Did you mean y?)" as our style's "X (did you mean y?)". */
export function commanderLine(text: string): string {
  return text.replace(/^error: /, "").replace(/\n\(Did you mean (.*)\?\)/, " (did you mean $1?)").trim();
}

/** Each (sub)command's own errors point at its own --help. */
function nameTheHelp(command: Command, path: string): void {
  command.showHelpAfterError(`run '${path} --help' for its options and examples`);
  for (const sub of command.commands) nameTheHelp(sub, `${path} ${sub.name()}`);
}

/**
 * Builds the `solkit` program for this argv. Only the named command's module is loaded and
 * registered in full; the others are listed from cli/command-list.ts for `--help` and for
 * commander's "did you mean" on a typo.
 */
export async function buildProgram(argv: readonly string[], onExit: (code: number) => void): Promise<Command> {
  const program = new Command("solkit")
    .description("Firmware toolkit for pay-as-you-go solar: signed energy readings, offline-safe pay-to-power")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("-v, --verbose", "show details and stack traces")
    .option("-q, --quiet", "print only results")
    .option("--json", "machine-readable output, one JSON object per line")
    .option("--no-color", "no ANSI colours")
    .addHelpText("after", EXAMPLES)
    .showSuggestionAfterError(true)
    // Commander's own errors (a missing required option, an unknown option) name the next step
    // as ours do (issue 11); subcommands inherit it.
    .showHelpAfterError("run 'solkit --help' for the commands and examples")
    // One line, as ours: "solkit: <what>; run '… --help' …" (commander writes the two parts apart).
    .configureOutput({ outputError: (text, write) => write(`solkit: ${commanderLine(text)}; `) })
    .exitOverride();
  const ctx = createContext(program, onExit);
  const wanted = commandNamed(argv);
  for (const info of COMMAND_LIST) {
    if (info.name === wanted) {
      (await LOADERS[info.name]())(program, ctx);
      nameTheHelp(program.commands[program.commands.length - 1], `solkit ${info.name}`);
    } else {
      const listed = program.command(info.name).description(info.summary);
      if (info.args !== undefined) listed.arguments(info.args);
    }
  }
  return program;
}
