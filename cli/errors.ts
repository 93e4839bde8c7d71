import { SolkitError } from "../shared/errors";

/** Exit codes scripts can trust: 0 all good, 1 the check failed (e.g. a frame did not verify), 2 bad usage or setup. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the person at the terminal: one line that names the next step. Thrown
 * only by cli/ itself; library code throws SolkitError with a stable code, and cli/main.ts
 * turns either into a line and an exit code.
 */
export class CliError extends SolkitError {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(exitCode === EXIT_USAGE ? "E_USAGE" : "E_FAILED", message);
    this.exitCode = exitCode;
  }
}

/**
 * Library codes that mean the user asked for something that cannot be (bad usage or setup:
 * exit 2), beside the rest, which mean a check or an operation failed (exit 1).
 */
const USAGE_CODES = new Set(["E_USAGE", "E_BOARD", "E_IN_USE", "E_DB", "E_DISK_FULL", "E_DB_OPEN"]);

/** The exit code for anything thrown out of a command. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof SolkitError) return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
  return EXIT_FAILED;
}

/**
 * The line printed for an error. A CliError or a usage/setup problem already reads as an instruction;
 * other library errors carry their code so a script or a bug report can name it.
 */
export function errorLine(err: unknown): string {
  if (err instanceof CliError || (err instanceof SolkitError && USAGE_CODES.has(err.code))) return err.message;
  if (err instanceof SolkitError) return `${err.message} (${err.code})`;
  const e = err as Error;
  return `internal error: ${e?.message ?? String(err)}`;
}
