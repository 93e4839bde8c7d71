/**
 * Where commands write. Commands never touch process.stdout directly, so tests can capture
 * output and the global flags (--json, --quiet, --no-color) apply in one place.
 */
export interface Output {
  /** Normal result lines (suppressed by --quiet unless the command's result is the output). */
  line(text: string): void;
  /** One JSON value per line (for --json). */
  json(value: unknown): void;
  /** Progress and notes for people, on stderr; suppressed by --quiet. */
  info(text: string): void;
  readonly color: boolean;
  readonly jsonMode: boolean;
  readonly verbose: boolean;
  readonly quiet: boolean;
}

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  verbose?: boolean;
}

/** Output to the process's stdout/stderr. Colour only on a TTY, never with NO_COLOR set. */
export function processOutput(opts: OutputOptions): Output {
  const color =
    opts.color !== false && !opts.json && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  return {
    line: (text) => process.stdout.write(text + "\n"),
    json: (value) => process.stdout.write(JSON.stringify(value) + "\n"),
    info: (text) => {
      if (!opts.quiet) process.stderr.write(text + "\n");
    },
    color,
    jsonMode: Boolean(opts.json),
    verbose: Boolean(opts.verbose),
    quiet: Boolean(opts.quiet),
  };
}

const CODES: Record<string, number> = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 };

/** Wraps `text` in an ANSI colour when the output is coloured. */
export function paint(out: Output, colour: keyof typeof CODES, text: string): string {
  return out.color ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}
