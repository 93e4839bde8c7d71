import type { Command } from "commander";
import { processOutput, type Output } from "./output";

/** What every command gets: the output for the global flags, and a way to set the exit code. */
export interface CommandContext {
  output(): Output;
  exit(code: number): void;
}

/** A command module: one file under cli/commands/ exporting this. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** The context for a real run: output follows the program's global flags. */
export function createContext(program: Command, onExit: (code: number) => void): CommandContext {
  return {
    output: () => {
      const o = program.opts();
      return processOutput({ json: o.json, quiet: o.quiet, color: o.color, verbose: o.verbose });
    },
    exit: onExit,
  };
}
