/**
 * A conversation with a NodeMCU REPL (Lua) over the same plumbing as Espruino's (repl-session.ts:
 * paced writes, answers found between markers among whatever else the board prints).
 *
 * NodeMCU runs every line it receives as Lua and echoes it (unless `uart.setup` turned echo
 * off). A call is one line, `__sk("SKn",pcall(function() return <expr> end))`; the helper
 * `__sk` (defined first, again after every restart) prints `<<SKn:[ok,"<hex>"]:SKn>>` with the
 * value as hex, so any text survives the trip. The helper builds the marker from pieces, so
 * the echo of a call line never looks like its answer. NodeMCU takes lines of up to 255
 * characters (LUA_MAXINPUT 256): every line here stays below that.
 */
import { SolkitError } from "../shared/errors";
import type { CallResult, ReplSession } from "./repl-session";

/** Longest line NodeMCU's REPL takes in one piece (its line buffer, less the newline). */
export const NODEMCU_MAX_LINE = 255;

/** Prints a call's answer between markers: the value as hex (JSON-safe whatever it holds). */
export const HELPER_LINE =
  `function __sk(t,o,v) print("<<"..t..":["..(o and 1 or 0)..',"'..tostring(v):gsub(".",function(c) return ("%02x"):format(c:byte()) end)..'"]:'..t..">>") end\n`;

/** The line that runs `expr` (a Lua expression, or `(function() … end)()`) and prints its answer tagged `tag`. */
export function luaCallLine(expr: string, tag: string): string {
  return `__sk("${tag}",pcall(function() return ${expr} end))\n`;
}

/**
 * `bytes` (one character per byte) as a Lua string literal: printable ASCII as itself, `\\` and
 * `"` escaped, everything else as a three-digit decimal escape (never merged with a digit after it).
 */
export function luaString(bytes: string): string {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 0x5c) s += "\\\\";
    else if (c === 0x22) s += '\\"';
    else if (c >= 32 && c < 127) s += bytes[i];
    else s += "\\" + String(c & 0xff).padStart(3, "0");
  }
  return s + '"';
}

/** Characters `luaString` makes of `bytes`, quotes included. */
export function luaStringLength(bytes: string, from = 0, to = bytes.length): number {
  let n = 2;
  for (let i = from; i < to; i++) {
    const c = bytes.charCodeAt(i);
    n += c === 0x5c || c === 0x22 ? 2 : c >= 32 && c < 127 ? 1 : 4;
  }
  return n;
}

/** A NodeMCU REPL on an open ReplSession. */
export class NodeMcuRepl {
  constructor(readonly s: ReplSession) {}

  /** (Re)defines the answer helper: after opening the port and after every restart. */
  async prepare(): Promise<void> {
    await this.s.write("\n" + HELPER_LINE);
  }

  /**
   * Turns the console's echo off (NodeMCU's own tools do the same before an upload): the board
   * would send every line back, a host key included. A restart turns it on again.
   * @throws SolkitError E_UPLOAD when the board refuses
   */
  async echoOff(baud: number): Promise<void> {
    const r = await this.call(`uart.setup(0,${baud},8,uart.PARITY_NONE,uart.STOPBITS_1,0)`, 3000);
    if (!r.ok) throw new SolkitError("E_UPLOAD", `the board did not turn its console's echo off: ${String(r.value).slice(0, 100)}`);
  }

  /**
   * Runs `expr` on the board; its value comes back as text (Lua's tostring), its error as the
   * error's text. "timeout" when nothing answered.
   * @throws SolkitError E_PORT when the port is gone
   */
  async call(expr: string, timeoutMs = 2000): Promise<CallResult> {
    const r = await this.s.callLine((tag) => {
      const line = luaCallLine(expr, tag);
      if (line.length > NODEMCU_MAX_LINE + 1) throw new SolkitError("E_INTERNAL", `a NodeMCU REPL line of ${line.length} characters (the limit is ${NODEMCU_MAX_LINE})`);
      return line;
    }, timeoutMs);
    if (typeof r.value === "string" && /^[0-9a-f]*$/.test(r.value) && r.value.length % 2 === 0) {
      return { ok: r.ok, value: Buffer.from(r.value, "hex").toString("latin1") };
    }
    return r;
  }
}
