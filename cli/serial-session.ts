/** A REPL session on `--port` at `--baud` (default 115200) for the length of `fn`, then the port closed. */
import { closePort, openPort } from "../flash/port-open";
import { ReplSession } from "../flash/repl-session";
import { CliError } from "./errors";

/** @throws CliError for a bad --baud; the port's SolkitErrors as openPort */
export async function withSession<T>(o: { port: string; baud?: string }, fn: (s: ReplSession) => Promise<T>): Promise<T> {
  const baud = o.baud === undefined ? 115200 : Number(o.baud);
  if (!Number.isInteger(baud) || baud < 300) throw new CliError(`--baud expects a rate such as 115200, got "${o.baud}"`);
  const port = await openPort(o.port, baud);
  try {
    return await fn(new ReplSession(port, baud));
  } finally {
    await closePort(port);
  }
}
