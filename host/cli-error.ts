/** Exit codes scripts can trust: 0 all good, 1 the check failed (e.g. a frame did not verify), 2 bad usage or setup. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * An error meant for the person at the terminal: one line that names the next step.
 * Only the CLI entry (host/main.ts) prints it and turns it into an exit code.
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
