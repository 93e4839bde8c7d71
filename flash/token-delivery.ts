/**
 * A token to a device on a serial port, confirmed by the device itself: it logs
 * `rx token <counter>: <effect>; credit <s> s` when it took the token and
 * `rx token rejected: <code>` when not (firmware/downlink.ts). Works on a locked console too:
 * the downlink line is one of the lines it runs (PROTOCOL.md 5.5).
 */
import { existsSync } from "node:fs";
import { TokenIssuer, type IssuedToken } from "../host/gateway/tokens";
import { openStore } from "../host/gateway/store-sqlite";
import { SolkitError } from "../shared/errors";
import type { ConfigEntry } from "../shared/protocol/token";
import type { ReplSession } from "./repl-session";

/** What the device answered: its log line for the token. */
export interface Delivered {
  counter: number;
  /** e.g. "rx token 3: credit +86400 s; credit 86400 s" */
  answer: string;
}

/**
 * Writes `token.line` and waits for the device's verdict on it.
 * @throws SolkitError E_NO_ANSWER (no verdict within `timeoutMs`), E_REFUSED (the device refused it, with its code)
 */
export async function deliverToken(s: ReplSession, token: IssuedToken, timeoutMs = 10_000): Promise<Delivered> {
  const verdict = new Promise<string>((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve("");
    }, timeoutMs);
    const off = s.onLine((l) => {
      if (new RegExp(`rx token ${token.counter}: `).test(l) || /rx token rejected: E_[A-Z_]+/.test(l)) {
        clearTimeout(timer);
        off();
        resolve(l.replace(/^[>:\s]+/, ""));
      }
    });
  });
  await s.write(token.line);
  const answer = await verdict;
  if (answer === "") throw new SolkitError("E_NO_ANSWER", `the device did not answer token ${token.counter} within ${timeoutMs / 1000} s`);
  const refused = /rx token rejected: (E_[A-Z_]+)/.exec(answer);
  if (refused) throw new SolkitError("E_REFUSED", `the device refused token ${token.counter}: ${refused[1]}${refused[1] === "E_BAD_MAC" ? " (this registry's key is not the device's)" : ""}`);
  return { counter: token.counter, answer };
}

/**
 * The next token for `id` from the registry in `database`, counter committed first; `deviceCounter`
 * is the last counter the device reports (its status), so the registry never goes below it.
 * @throws SolkitError E_UNKNOWN_DEVICE (no registry file, or the id is not in it), the codec's E_RANGE
 */
export function issueFromRegistry(database: string, id: string, tokenKind: number, amount: number, deviceCounter = 0, config: ConfigEntry[] = []): IssuedToken {
  if (!existsSync(database)) {
    throw new SolkitError("E_UNKNOWN_DEVICE", `no registry at ${database}: give the configuration of the host that provisioned ${id} (--config)`);
  }
  const db = openStore(database);
  try {
    const issuer = new TokenIssuer(db);
    issuer.atLeast(id, deviceCounter);
    return issuer.issue(id, tokenKind, amount, config);
  } catch (e) {
    if ((e as SolkitError).code === "E_UNKNOWN_DEVICE") {
      throw new SolkitError("E_UNKNOWN_DEVICE", `${id} is not in ${database}: use the database of the host that provisioned it (--config)`);
    }
    throw e;
  } finally {
    db.close();
  }
}
