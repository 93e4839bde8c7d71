import { CommanderError } from "commander";
import { buildProgram } from "./program";
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, errorLine, exitCodeFor } from "./errors";
import { stopWhenOrphaned } from "./orphan-watch";

/**
 * The CLI entry: the only place that catches errors, prints them as one line and chooses the
 * exit code. Returns the exit code instead of calling process.exit, so tests can call it.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const verbose = argv.includes("-v") || argv.includes("--verbose");
  stopWhenOrphaned();
  try {
    // Inside the try: loading the command's module can fail too (a native library missing).
    const program = await buildProgram(argv, (code) => {
      exitCode = Math.max(exitCode, code);
    });
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

/** The one place an error becomes a line on stderr and an exit code; `-v` adds the stack. */
function report(err: unknown, verbose: boolean): number {
  const line = errorLine(err);
  const internal = exitCodeFor(err) === EXIT_FAILED && line.startsWith("internal error:");
  process.stderr.write(`solkit: ${line}${internal && !verbose ? " (run with -v for details)" : ""}\n`);
  const stack = (err as { stack?: string } | null)?.stack;
  if (verbose && stack) process.stderr.write(stack + "\n");
  return exitCodeFor(err);
}
