/**
 * The locked console (issue 11, PROTOCOL.md 5.5). Once a device has its host key the target
 * moves the interpreter's REPL off the serial line and hands each typed line here instead.
 * Only a fixed set of lines does anything, matched whole — nothing is parsed as code, nothing
 * is evaluated — so `digitalWrite(D26,1)`, `setTime(…)` or a self-made `solkit.setHostKey(…)`
 * typed on the cable only print how to open the console properly: a maintenance token
 * (token kind 6), made by the host that holds the device's key.
 *
 * The host's own lines keep working unchanged: `\x10solkit.rx("<body>")` (downlink frames,
 * MAC'd themselves), `solkit.status()`, `solkit.cmd("status")`, `solkit.flush()`.
 * No RegExp: the same code runs on targets without one (Lua).
 *
 * Portable code: see docs/portability.md.
 */

import { ALPHABET } from "../shared/encoding/base64";

/** What a locked console runs: `rx` with its body, or `status`, `flush`, `lock`. */
export interface ConsoleCall {
  name: string;
  /** The downlink body of `rx`; "" otherwise. */
  body: string;
}

/** Longest line the locked console keeps; longer ones are dropped whole (a downlink line is ~140). */
export const MAX_CONSOLE_LINE = 512;

/** The lines that run, and what each does. */
const EXACT = [
  "status", "status", "solkit.status()", "status", "solkit.cmd(\"status\")", "status", "solkit.cmd('status')", "status",
  "flush", "flush", "solkit.flush()", "flush", "solkit.lock()", "lock",
];

/** The line without control bytes (0x10, a stray Ctrl-C, CR), spaces, and a final `;`. */
function clean(line: string): string {
  let s = "";
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c > 32 && c < 127) s += line.charAt(i);
  }
  return s.length > 0 && s.charAt(s.length - 1) === ";" ? s.substring(0, s.length - 1) : s;
}

/** base64 and the `*crc` of a downlink body (PROTOCOL.md 5.2): nothing that could close the string. */
function isBodyText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if ((ALPHABET + "=*").indexOf(s.charAt(i)) < 0) return false;
  }
  return s.length > 0;
}

/** The call a locked console runs for `line`, or undefined: then it only says it is locked. */
export function parseConsoleLine(line: string): ConsoleCall | undefined {
  const s = clean(line);
  for (let i = 0; i < EXACT.length; i += 2) {
    if (s === EXACT[i]) return { name: EXACT[i + 1], body: "" };
  }
  const q = s.charAt(10);
  if (s.substring(0, 10) === "solkit.rx(" && (q === "\"" || q === "'") && s.substring(s.length - 2) === q + ")") {
    const body = s.substring(11, s.length - 2);
    if (isBodyText(body)) return { name: "rx", body: body };
  }
  return undefined;
}
