/**
 * A minimal Espruino-like JavaScript environment: the seed of the full Espruino emulation
 * (pins, Storage, virtual time come later). It runs a bundle in a fresh node:vm context from
 * which the built-ins Espruino 2v2x lacks are removed (DESIGN.md, "Espruino facts"), so code
 * that leans on them fails here as it would on a board, and it collects what the code prints.
 *
 * What it cannot emulate (V8 still parses and runs them): missing syntax, function hoisting
 * and borrowed prototype methods. toolchain/espruino-check.ts catches those statically.
 */
import vm from "node:vm";
import { crc32 } from "node:zlib";
import { convolve } from "./convolve";

/** What a run printed, and the uncaught error if there was one. */
export interface SandboxResult {
  /** Everything printed, one entry per print()/console.log call (Espruino's prompt excluded). */
  lines: string[];
  /** The uncaught error's message ("Uncaught …" on a board); undefined when the run completed. */
  error?: string;
}

export interface SandboxOptions {
  /** Wall-clock limit for the synchronous run, ms (default 60 000). */
  timeoutMs?: number;
  /** Extra globals (e.g. injected vectors). Prefer source text for data: it lives in the context's realm. */
  globals?: { [name: string]: unknown };
  /** What require(name) returns besides "Storage" (files in memory: read and write of whole files). */
  modules?: { [name: string]: unknown };
}

/** Globals and members removed from the context: what Espruino 2v2x does not have. */
export const REMOVE_GLOBALS = ["Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Symbol", "BigInt", "Proxy", "Reflect",
  "BigInt64Array", "BigUint64Array", "SharedArrayBuffer", "Atomics", "Intl", "FinalizationRegistry"];
export const REMOVE_MEMBERS: [string, string][] = [
  ["Math", "imul"], ["Number", "isInteger"], ["Array", "from"], ["Object", "freeze"],
];

/** Espruino formats print() arguments joined by spaces, objects roughly as JSON. */
function format(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : typeof a === "object" && a !== null ? safeJson(a) : String(a))).join(" ");
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs `code` (a whole bundle plus whatever drives it) as Espruino would run an upload.
 * Never throws for errors in `code`: they come back in `error`.
 */
export function runInEspruinoSandbox(code: string, opts: SandboxOptions = {}): SandboxResult {
  const lines: string[] = [];
  const print = (...args: unknown[]) => {
    lines.push(format(args));
  };
  const context = vm.createContext({ print, console: { log: print } });
  const strip = REMOVE_GLOBALS.map((g) => `delete globalThis.${g};`).join("")
    + REMOVE_MEMBERS.map(([o, m]) => `delete ${o}.${m};`).join("");
  vm.runInContext(strip, context);
  // The natives the espruino build swaps in (firmware/targets/espruino/native-*.ts): atob,
  // btoa, E.toUint8Array, E.toString, E.convolve and E.CRC32; require("Storage") for whole files.
  context.atob = (t: unknown) => Buffer.from(String(t), "base64").toString("latin1");
  context.btoa = (t: unknown) => Buffer.from(String(t), "latin1").toString("base64");
  vm.runInContext("globalThis.E = { toUint8Array: function (s) { var u = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255; return u; }," +
    " toString: function (a) { var s = ''; for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i] & 255); return s; } };", context);
  (context.E as { convolve: typeof convolve }).convolve = convolve;
  (context.E as { CRC32: unknown }).CRC32 = (d: string | Uint8Array) => crc32(typeof d === "string" ? Buffer.from(d, "latin1") : d);
  const files = new Map<string, string>();
  const storage = {
    read: (n: string) => files.get(n),
    readArrayBuffer: (n: string) => {
      const f = files.get(n);
      return f === undefined ? undefined : new Uint8Array(Buffer.from(f, "latin1")).buffer;
    },
    write: (n: string, d: string | Uint8Array) => {
      files.set(n, typeof d === "string" ? d : Buffer.from(d).toString("latin1"));
      return true;
    },
  };
  context.require = (m: string) => (m === "Storage" ? storage : opts.modules?.[m]);
  for (const name of Object.keys(opts.globals ?? {})) context[name] = opts.globals![name];
  try {
    vm.runInContext(code, context, { timeout: opts.timeoutMs ?? 60_000, filename: "espruino-bundle.js" });
    return { lines };
  } catch (e: any) {
    const message = e && e.message !== undefined ? `${e.name ?? "Error"}: ${e.message}` : String(e);
    lines.push(`Uncaught ${message}`);
    return { lines, error: message };
  }
}
