/**
 * Builds portable TypeScript into ONE Lua 5.3 file with typescript-to-lua (TSTL) 1.37: the
 * NodeMCU target's language (DESIGN.md, "Targets"). TSTL has no typed arrays, so
 * lua-prelude.lua (Uint8Array & co., exactly the subset docs/portability.md allows) is put
 * in front of the bundle. Running the file returns the entry module's exports table.
 *
 * A chain of string literals joined by `+` (generated tables written as many short lines) is
 * folded into one literal: TSTL would print it as nested parentheses `((a .. b) .. c)`, and
 * Lua 5.3's parser fails past about 200 levels ("too many C levels").
 *
 * TSTL reports constructs it cannot translate (signed `>>`, method/function `self`
 * mismatches, unsupported built-ins) as diagnostics; any error among them fails the build,
 * all listed, because a Lua file compiled past them would misbehave only at run time.
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import { SolkitError } from "../shared/errors";

export interface LuaBuildOptions {
  /** Entry module (TypeScript); the Lua file returns its exports. */
  entry: string;
  /** Where to write the Lua file; omitted: only returned. */
  outFile?: string;
  /** Root that module names are relative to (default: the repository root). */
  rootDir?: string;
  /** Declaration files of the target's globals (NodeMCU's modules), compiled with the entry. */
  declarations?: string[];
  /** Lua put between the typed-array prelude and the bundle (a target's bridges, board facts). */
  prelude?: string;
  /**
   * Modules replaced by a target's own (repository paths without `.ts`): [module, replacement].
   * The replacement is compiled with the program and answers every require of the module — the
   * Lua build's counterpart of the Espruino build's swapPlugin.
   */
  swaps?: [string, string][];
}

/** TSTL's bundle key for a repository path: "shared/crypto/x" → "shared.crypto.x". */
function bundleKey(path: string): string {
  return path.replace(/\.ts$/, "").split("/").join(".");
}

/**
 * Points each swapped module's bundle entry at its replacement, before the entry runs.
 * @throws SolkitError E_LUA_BUILD when a module or its replacement is not in the bundle
 */
function applySwaps(bundle: string, swaps: [string, string][], entry: string): string {
  if (swaps.length === 0) return bundle;
  const at = bundle.lastIndexOf("\nlocal ____entry = require(");
  if (at < 0) throw new SolkitError("E_LUA_BUILD", `the Lua bundle of ${entry} has no entry line to swap modules before`);
  const lines = swaps.map(([from, to]) => {
    for (const key of [bundleKey(from), bundleKey(to)]) {
      if (!bundle.includes(`\n["${key}"] = function(`)) throw new SolkitError("E_LUA_BUILD", `module swap ${from} → ${to}: ${key} is not in the bundle of ${entry}`);
    }
    return `____modules["${bundleKey(from)}"] = ____modules["${bundleKey(to)}"]`;
  });
  return `${bundle.slice(0, at)}\n-- the target's own modules (toolchain/lua.ts swaps)\n${lines.join("\n")}${bundle.slice(at)}`;
}

export interface LuaBuildResult {
  /** Prelude + bundle, exactly as written to `outFile`. */
  code: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..");
const PRELUDE = resolve(HERE, "lua-prelude.lua");

/** The compiler options of shared/tsconfig.json (portable code), plus TSTL's. */
function options(entry: string, rootDir: string): tstl.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2017,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2017.d.ts"],
    types: [],
    strict: true,
    skipLibCheck: true,
    rootDir,
    outDir: resolve(rootDir, ".solkit-lua-out"), // never written: writeFile below captures output
    luaTarget: tstl.LuaTarget.Lua53,
    luaBundle: "bundle.lua",
    luaBundleEntry: entry,
    luaLibImport: tstl.LuaLibImportKind.RequireMinimal,
    noImplicitSelf: true,
    sourceMap: false,
  };
}

/** The concatenation of a `+` chain made only of string literals, or undefined. */
function literalChain(node: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(node)) return literalChain(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalChain(node.left);
    const right = left === undefined ? undefined : literalChain(node.right);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}

/**
 * JavaScript built-in method names that TSTL can only translate when it knows the receiver
 * is a string or an array: on an `any` value it emits `x:name(...)`, which Lua lacks.
 */
const BUILTIN_METHODS = new Set([
  "charAt", "charCodeAt", "substring", "substr", "slice", "indexOf", "lastIndexOf", "split", "toUpperCase",
  "toLowerCase", "trim", "startsWith", "endsWith", "includes", "padStart", "padEnd", "repeat", "replace",
  "push", "pop", "shift", "unshift", "join", "concat", "map", "filter", "forEach", "reduce", "some", "every",
  "find", "findIndex", "splice", "reverse", "sort",
]);

function isAny(context: tstl.TransformationContext, node: ts.Expression): boolean {
  return (context.checker.getTypeAtLocation(node).flags & ts.TypeFlags.Any) !== 0;
}

function untypedUse(node: ts.Node, text: string): ts.Diagnostic {
  const file = node.getSourceFile();
  return {
    category: ts.DiagnosticCategory.Error,
    code: 0,
    file,
    start: node.getStart(file),
    length: node.getWidth(file),
    messageText: text,
    source: "solkit",
  };
}

/**
 * A number or a string used as a condition: JavaScript treats 0, NaN and "" as false, Lua treats
 * every number and string as true — the same code would take the other branch. Compare
 * explicitly (`n !== 0`, `s !== ""`).
 */
function checkCondition(context: tstl.TransformationContext, cond: ts.Expression): void {
  const type = context.checker.getTypeAtLocation(cond);
  const parts = type.isUnion() ? type.types : [type];
  const loose = parts.some((t) => (t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.StringLike)) !== 0);
  if (loose) context.diagnostics.push(untypedUse(cond, `a ${context.checker.typeToString(type)} as a condition: 0 and "" are false in JavaScript, true in Lua; compare explicitly (x !== 0, s !== "")`));
}

/**
 * TSTL plugin: folds string-literal `+` chains into one Lua string (see the file comment),
 * fails the build on a number or string used as a condition (checkCondition), and where the
 * Lua would silently differ because a value is typed `any`:
 * TSTL picks `#x` for `.length` and `string.sub` & co. for string methods from the static
 * type, and on `any` emits a plain field access (`x.length` is nil for a Lua table or string).
 */
const PORTABLE_LUA: tstl.Plugin = {
  visitors: {
    [ts.SyntaxKind.PropertyAccessExpression]: (node: ts.PropertyAccessExpression, context: tstl.TransformationContext) => {
      const name = node.name.text;
      if (isAny(context, node.expression)) {
        const isCall = ts.isCallExpression(node.parent) && node.parent.expression === node;
        if (name === "length") {
          context.diagnostics.push(untypedUse(node, "`.length` of an `any` value compiles to a field read in Lua (nil for arrays and strings): give it a type, e.g. `(x as any[]).length` or `(x as string).length` (an object field named length: rename it)"));
        } else if (isCall && BUILTIN_METHODS.has(name)) {
          context.diagnostics.push(untypedUse(node, `\`.${name}()\` on an \`any\` value compiles to a method call Lua strings and tables lack: give it a type, e.g. \`(x as string).${name}(…)\``));
        }
      }
      return context.superTransformExpression(node);
    },
    [ts.SyntaxKind.ElementAccessExpression]: (node: ts.ElementAccessExpression, context: tstl.TransformationContext) => {
      const index = context.checker.getTypeAtLocation(node.argumentExpression);
      if (isAny(context, node.expression) && (index.flags & ts.TypeFlags.NumberLike) !== 0) {
        context.diagnostics.push(untypedUse(node, "`[i]` on an `any` value is not shifted to Lua's 1-based arrays (TSTL does that only for arrays it knows): give it a type, e.g. `(x as any[])[i]`"));
      }
      return context.superTransformExpression(node);
    },
    [ts.SyntaxKind.IfStatement]: (node: ts.IfStatement, context: tstl.TransformationContext) => {
      checkCondition(context, node.expression);
      return context.superTransformStatements(node);
    },
    [ts.SyntaxKind.WhileStatement]: (node: ts.WhileStatement, context: tstl.TransformationContext) => {
      checkCondition(context, node.expression);
      return context.superTransformStatements(node);
    },
    [ts.SyntaxKind.ConditionalExpression]: (node: ts.ConditionalExpression, context: tstl.TransformationContext) => {
      checkCondition(context, node.condition);
      return context.superTransformExpression(node);
    },
    [ts.SyntaxKind.PrefixUnaryExpression]: (node: ts.PrefixUnaryExpression, context: tstl.TransformationContext) => {
      if (node.operator === ts.SyntaxKind.ExclamationToken) checkCondition(context, node.operand);
      return context.superTransformExpression(node);
    },
    [ts.SyntaxKind.BinaryExpression]: (node: ts.BinaryExpression, context: tstl.TransformationContext) => {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) checkCondition(context, node.left);
      const folded = literalChain(node);
      if (folded !== undefined) return tstl.createStringLiteral(folded, node);
      return context.superTransformExpression(node);
    },
  },
};

function describe(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1} ${text}`;
}

/**
 * Lua's own compiler over the bundle (`luac5.3 -p`, when installed): limits TypeScript cannot see
 * — 200 locals in a function, 255 upvalues, a chain of 200 nested calls — fail the build here,
 * not on the board at load time. Without luac the check is skipped (the simulator loads it anyway).
 * @throws SolkitError E_LUA_BUILD with Lua's message
 */
function checkWithLuac(code: string, entry: string): void {
  const r = spawnSync(process.env.SOLKIT_LUAC ?? "luac5.3", ["-p", "-"], { input: code, encoding: "utf8" });
  if (r.error !== undefined) return; // not installed
  if (r.status !== 0) throw new SolkitError("E_LUA_BUILD", `Lua 5.3 refuses the bundle of ${entry}: ${r.stderr.trim().replace(/^luac5\.3: /, "")}`);
}

/**
 * Compiles `entry` and everything it imports into one Lua 5.3 file with the typed-array prelude.
 * @throws SolkitError E_LUA_BUILD listing every TSTL/TypeScript error, or when no bundle came out
 */
export async function buildLuaBundle(opts: LuaBuildOptions): Promise<LuaBuildResult> {
  const entry = resolve(opts.entry);
  const rootDir = resolve(opts.rootDir ?? REPO_ROOT);
  const written: { [name: string]: string } = {};
  // tstl.transpileFiles, plus our plugin (it only takes plugins by module path).
  const swaps = opts.swaps ?? [];
  const roots = [entry, ...(opts.declarations ?? []).map((d) => resolve(d)), ...swaps.map(([, to]) => resolve(REPO_ROOT, `${to}.ts`))];
  const program = ts.createProgram(roots, options(entry, rootDir));
  const emitted = new tstl.Transpiler().emit({
    program,
    plugins: [PORTABLE_LUA],
    writeFile: (name, text) => {
      written[name] = text;
    },
  });
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const list = errors.map((d) => `  ${describe(d)}`).join("\n");
    throw new SolkitError("E_LUA_BUILD", `${errors.length} error(s) compiling ${opts.entry} to Lua:\n${list}`);
  }
  const names = Object.keys(written).filter((n) => n.endsWith(".lua"));
  if (names.length !== 1) {
    throw new SolkitError("E_LUA_BUILD", `expected one Lua bundle from ${opts.entry}, got ${names.length}`);
  }
  const prelude = await readFile(PRELUDE, "utf8");
  const code = `${prelude}\n${opts.prelude === undefined ? "" : `${opts.prelude}\n`}${applySwaps(written[names[0]], swaps, opts.entry)}`;
  checkWithLuac(code, opts.entry);
  if (opts.outFile !== undefined) {
    await mkdir(dirname(opts.outFile), { recursive: true });
    await writeFile(opts.outFile, code);
  }
  return { code };
}
