/**
 * How Espruino shows values and errors on its console.
 *
 * The REPL prints a line's result with jsfPrintJSON(JSON_PRETTY | JSON_DROP_QUOTES | ...):
 * `=undefined`, `=123`, `="str"`, `={ a: 1, "b-c": [ 1, 2 ] }`, `=new Uint8Array([1, 2])`.
 * print()/console.log join their arguments with spaces, strings as they are, other values
 * like the REPL but with quoted keys. Long values are not wrapped over lines here (Espruino's
 * JSON_SOME_NEWLINES does that past about 60 characters): an approximation.
 *
 * Errors: the interpreter words some messages differently from V8, and a console shows
 * Espruino's wording, so V8's are translated for the common cases (src/jsvar.c
 * jsvCheckReferenceError: `"%q is not defined"`; src/jsparse.c: `Function %q not found!`).
 */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function typedArrayName(v: any): string | undefined {
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return /^(Ui|I)nt(8|16|32)(Clamped)?Array$|^Float(32|64)Array$/.test(tag) ? tag : undefined;
}

/** A value as Espruino's JSON printer writes it; `dropQuotes` for the REPL's result. */
export function formatValue(v: unknown, dropQuotes: boolean, depth = 0, seen: unknown[] = []): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isFinite(v) || Number.isNaN(v) ? String(v) : v > 0 ? "Infinity" : "-Infinity";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "function") return String(v);
  if (typeof v !== "object") return String(v);
  if (seen.indexOf(v) >= 0 || depth > 8) return "...";
  const o: any = v;
  if (typeof o.__espruinoPin === "string") return o.__espruinoPin;
  const ta = typedArrayName(o);
  if (ta) return `new ${ta}([${Array.prototype.join.call(o, ", ")}])`;
  const tag = Object.prototype.toString.call(o).slice(8, -1);
  if (tag === "ArrayBuffer") return `new Uint8Array([${Array.prototype.join.call(new Uint8Array(o), ", ")}]).buffer`;
  const next = seen.concat([v]);
  if (Array.isArray(o)) {
    if (o.length === 0) return "[  ]";
    return `[ ${o.map((x: unknown) => formatValue(x, dropQuotes, depth + 1, next)).join(", ")} ]`;
  }
  const keys = Object.keys(o);
  if (keys.length === 0) return "{  }";
  const parts = keys.map((k) => `${dropQuotes && IDENT.test(k) ? k : JSON.stringify(k)}: ${formatValue(o[k], dropQuotes, depth + 1, next)}`);
  return `{ ${parts.join(", ")} }`;
}

/** print()/console.log: arguments joined by spaces, strings raw. */
export function formatPrintArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a, false))).join(" ");
}

/**
 * The text after "Uncaught " for a thrown value, in Espruino's wording.
 * `Error: boom`, `ReferenceError: "Map" is not defined`, `"a string"`.
 */
export function describeThrown(e: unknown): string {
  if (e && typeof e === "object" && typeof (e as any).message === "string") {
    const err = e as { name?: string; message: string };
    const name = typeof err.name === "string" ? err.name : "Error";
    let m = /^(\S+) is not defined$/.exec(err.message);
    if (name === "ReferenceError" && m) return `ReferenceError: "${m[1]}" is not defined`;
    m = /^(?:\S+\.)?([A-Za-z_$][\w$]*) is not a function$/.exec(err.message);
    if (name === "TypeError" && m) return `Error: Function "${m[1]}" not found!`;
    return `${name}: ${err.message}`;
  }
  return formatValue(e, false);
}
