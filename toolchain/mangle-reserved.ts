/**
 * Property names the "tiny" profile must NOT mangle (toolchain/firmware-profile.ts): every
 * name the bundle shares with code outside it. terser's `mangle.properties` renames a property
 * everywhere in the bundle at once, which is safe for names only the bundle uses (its own
 * classes, records and board facts) and wrong for any name something else reads or provides:
 *
 * - the interpreter's API: every property and method declared in the ES2017 library the
 *   firmware is type-checked against (lib.es2017.d.ts and what it references) and in
 *   firmware/targets/espruino/espruino.d.ts (Storage, crypto, E, setWatch options, the
 *   setWatch event) — the type checker makes these two files the only way firmware/ can reach
 *   anything outside itself;
 * - the REPL's names: the global `solkit` object's methods (main.ts), which a technician, the
 *   host (flash/provision.ts, the serial line's `solkit.rx`) and the tests type;
 * - Error's fields and SolkitError's `code`, which whoever catches an error at the REPL reads.
 *
 * The list is taken from the declaration files themselves, so a new Espruino API used by the
 * target is reserved as soon as it is declared (which it must be to type-check).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type ts from "typescript";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ESPRUINO_DTS = join(REPO, "firmware", "targets", "espruino", "espruino.d.ts");

/** Methods of the global `solkit` object (firmware/targets/espruino/main.ts), typed at the REPL. */
export const REPL_NAMES = ["solkit", "board", "rx", "status", "cmd", "provisionKey", "setHostKey", "setSite", "setConfig", "flush"];

/** Fields an error caught at the REPL is read by. */
const ERROR_NAMES = ["code", "message", "name", "stack"];

/**
 * The compiler, loaded on first use: importing it costs ~1.5 s, which every command that merely
 * might build (flash, sim) paid at start before issue 10.
 */
let compiler: typeof ts | undefined = undefined;
function typescript(): typeof ts {
  compiler ??= createRequire(import.meta.url)("typescript") as typeof ts;
  return compiler;
}

/** Every property, method and accessor name declared in the TypeScript file `file`. */
function declaredNames(file: string, into: Set<string>): string[] {
  const ts = typescript();
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const visit = (node: ts.Node): void => {
    // The board facts are embedded in the bundle itself (firmware.ts), so their keys may go.
    if (ts.isModuleDeclaration(node) && node.name.text === "solkit:board") return;
    if (
      (ts.isPropertySignature(node) || ts.isMethodSignature(node) || ts.isPropertyDeclaration(node) ||
        ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node) ||
        ts.isVariableDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isPropertyAssignment(node)) &&
      node.name !== undefined && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
    ) {
      into.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // `/// <reference lib="es2016" />` lines: the library files this one pulls in.
  return sf.libReferenceDirectives.map((r) => r.fileName.toLowerCase());
}

let cached: string[] | undefined = undefined;

/** The names to keep (sorted, no duplicates): ES2017 library, espruino.d.ts, REPL and error names. */
export function reservedPropertyNames(): string[] {
  if (cached !== undefined) return cached;
  const names = new Set<string>([...REPL_NAMES, ...ERROR_NAMES]);
  const libDir = dirname(createRequire(import.meta.url).resolve("typescript/lib/lib.es5.d.ts"));
  const seen = new Set<string>();
  const queue = ["es2017"];
  while (queue.length > 0) {
    const lib = queue.pop() as string;
    if (seen.has(lib)) continue;
    seen.add(lib);
    queue.push(...declaredNames(join(libDir, `lib.${lib}.d.ts`), names));
  }
  declaredNames(ESPRUINO_DTS, names);
  cached = [...names].sort();
  return cached;
}
