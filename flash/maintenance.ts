/**
 * The maintenance path (issue 11): a provisioned device keeps its REPL locked, and only a
 * maintenance token (token kind 6: MAC'd with the device's host key, counter-checked, PROTOCOL.md
 * 5.5) opens it for a while. The host that holds the key — the registry in the gateway's
 * database — makes the token; flash and provision call `probeOrOpen` so a technician's command
 * line does not change, and `solkit console open` opens it by hand.
 */
import type { Board } from "../boards/board-type";
import { SolkitError } from "../shared/errors";
import { TOKEN_MAINTENANCE } from "../shared/protocol/token";
import { probeBoard, type BoardInfo } from "./board-probe";
import type { ReplSession } from "./repl-session";
import { deliverToken, issueFromRegistry } from "./token-delivery";

/** The id line of solkit's status text, if the device has a key. */
export function idFromStatus(status: string): string | undefined {
  const m = /^id: (G[A-Z2-7]{55})$/m.exec(status);
  return m ? m[1] : undefined;
}

/** The last token counter the device took, from its status text (0 when not shown). */
export function tokenCounterFromStatus(status: string): number {
  const m = /^tokens: last counter (\d+)$/m.exec(status);
  return m ? Number(m[1]) : 0;
}

/**
 * The status text typed as `solkit.status()`: answered on a locked console and on an open REPL
 * alike, as lines from "solkit firmware …" to "console: …".
 * @throws SolkitError E_NO_ANSWER when no status comes within `timeoutMs`
 */
export async function typedStatus(s: ReplSession, timeoutMs = 5000): Promise<string> {
  const lines: string[] = [];
  let collecting = false;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  const off = s.onLine((l) => {
    if (/solkit (firmware )?[0-9][0-9.]*,? boot \d+,? up /.test(l)) {
      collecting = true;
      lines.length = 0;
    }
    if (!collecting) return;
    lines.push(l.replace(/^[>:]+/, ""));
    if (/^console: /.test(l)) done();
  });
  try {
    await s.write("solkit.status()\n");
    const timer = new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs));
    const ok = await Promise.race([finished.then(() => true), timer]);
    if (!ok) throw new SolkitError("E_NO_ANSWER", "the device did not show its status; is the solkit program running?");
    return lines.join("\n");
  } finally {
    off();
  }
}

export interface OpenedConsole {
  id: string;
  counter: number;
  seconds: number;
}

/** Default maintenance window: a flash of the slowest board and a provisioning fit in it. */
export const MAINTENANCE_S = 900;

/**
 * Opens a locked console: reads the device's id and last counter from its status, makes the
 * next maintenance token from `database` (counter committed first), sends it and waits for the
 * device to say the console is open.
 * @throws SolkitError E_UNKNOWN_DEVICE (not in this registry), E_LOCKED (the device refused the token), E_NO_ANSWER
 */
export async function openConsole(s: ReplSession, database: string, seconds = MAINTENANCE_S): Promise<OpenedConsole> {
  const status = await typedStatus(s);
  const id = idFromStatus(status);
  if (id === undefined) throw new SolkitError("E_NO_ANSWER", "the device's status shows no id; it is not provisioned, so its console is not locked");
  const token = issueFromRegistry(database, id, TOKEN_MAINTENANCE, seconds, tokenCounterFromStatus(status));
  try {
    await deliverToken(s, token);
  } catch (e) {
    if ((e as SolkitError).code === "E_REFUSED") throw new SolkitError("E_LOCKED", (e as Error).message.replace("token", "the maintenance token"));
    throw e;
  }
  s.locked = false;
  return { id, counter: token.counter, seconds };
}

/**
 * Probes the board; a locked solkit device is opened first with a token from `database`.
 * @throws SolkitError from probeBoard, E_LOCKED without a database, and openConsole's
 */
export async function probeOrOpen(
  s: ReplSession, path: string, board: Board | undefined, database: string | undefined, onNote?: (text: string) => void,
): Promise<BoardInfo> {
  try {
    return await probeBoard(s, path, board);
  } catch (e) {
    if ((e as SolkitError).code !== "E_LOCKED" || database === undefined) throw e;
  }
  const opened = await openConsole(s, database);
  onNote?.(`console of ${opened.id} opened for ${opened.seconds / 60} min with maintenance token ${opened.counter}`);
  return probeBoard(s, path, board);
}
