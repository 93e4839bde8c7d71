import { CommanderError } from "commander";
import { buildProgram } from "./cli";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./cli-error";
import { SolkitError } from "../shared/errors";

/**
 * The CLI entry: the only place that catches errors, prints them as one line and chooses the
 * exit code. Returns the exit code instead of calling process.exit, so tests can call it.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram((code) => {
    exitCode = Math.max(exitCode, code);
  });
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      const done = err.code === "commander.helpDisplayed" || err.code === "commander.version";
      return done || err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return report(err, verbose);
  }
}

function report(err: unknown, verbose: boolean): number {
  if (err instanceof CliError) {
    process.stderr.write(`solkit: ${err.message}\n`);
    if (verbose && err.stack) process.stderr.write(err.stack + "\n");
    return err.exitCode;
  }
  if (err instanceof SolkitError) {
    process.stderr.write(`solkit: ${err.message} (${err.code})\n`);
    if (verbose && err.stack) process.stderr.write(err.stack + "\n");
    return EXIT_FAILED;
  }
  const e = err as Error;
  process.stderr.write(`solkit: internal error: ${e?.message ?? String(err)}${verbose ? "" : " (run with -v for details)"}\n`);
  if (verbose && e?.stack) process.stderr.write(e.stack + "\n");
  return EXIT_FAILED;
}
