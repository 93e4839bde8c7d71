/**
 * Boot code run with its globals looked up once. A node:vm context's global object sits behind
 * interceptors, so every free name the program reads (`Math`, `Uint8Array`, `getTime`, `E`…)
 * is a call into C++: ~110–185 ns where a local is ~1 ns (measured on Node 20). The firmware
 * reads such names on every tick and in every field multiplication, which cost a fleet of
 * boards a fifth of its time.
 *
 * So a boot file that is ONE function expression called at once — what solkit's bundler and
 * Espruino's minifiers emit, `!function(){…}()` — runs as
 * `(function (Math, …) { <the same text> \n})(Math, …)`: the program's free names resolve to
 * parameters holding the very same objects. It declares nothing global either way, so nothing
 * it can observe changes, with one exception said here: a console line that later REBINDS one
 * of these globals (`getTime = …`) is not seen by the running bundle, where Espruino would see
 * it. Changing their properties (`E.kickWatchdog = …`) is seen as before. An open console can
 * drive the pins anyway, and a locked one runs no line; the real-interpreter tier
 * (test/device/) runs the bundle without any of this.
 * Any other text (top-level declarations, several statements) runs as it is.
 */
import { parse } from "acorn";

/**
 * Globals every emulated board defines before its boot code runs (globals.ts, and the JS
 * built-ins sandbox.ts keeps): a name missing from the context would turn the wrapper's own
 * argument list into a ReferenceError. test/simulator/espruino/bound-globals.test.ts checks them
 * against a booted board.
 */
export const BOUND_GLOBALS = [
  "Math", "Uint8Array", "Uint16Array", "Uint32Array", "Int8Array", "Int16Array", "Int32Array",
  "Float32Array", "Float64Array", "ArrayBuffer", "DataView", "Array", "Object", "String", "Number",
  "Boolean", "JSON", "Date", "Error", "TypeError", "RangeError", "parseInt", "parseFloat", "isNaN",
  "E", "getTime", "console", "print", "require", "setTimeout", "setInterval", "clearTimeout",
  "clearInterval", "setWatch", "clearWatch", "digitalWrite", "digitalRead", "pinMode", "btoa", "atob",
] as const;

/** `code` as it should be compiled: wrapped when it is a single immediately-called function. */
export function withBoundGlobals(code: string): string {
  if (!isSingleIife(code)) return code;
  const names = BOUND_GLOBALS.join(",");
  // The newline ends a trailing line comment in the bundle; the wrapper adds no line before
  // the code, so stack traces keep their line numbers (the first line's columns shift).
  return `(function(${names}){${code}\n})(${names})`;
}

function isSingleIife(code: string): boolean {
  let program: any;
  try {
    program = parse(code, { ecmaVersion: 2020, sourceType: "script" });
  } catch {
    return false; // the evaluation reports the syntax error from the text as it is
  }
  if (program.body.length !== 1 || program.body[0].type !== "ExpressionStatement") return false;
  let e = program.body[0].expression;
  if (e.type === "UnaryExpression") e = e.argument; // !function(){…}()
  if (e.type === "ParenthesizedExpression") e = e.expression;
  return e.type === "CallExpression" && e.callee.type === "FunctionExpression";
}
