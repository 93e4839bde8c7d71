/**
 * Builds portable TypeScript into ONE Lua 5.3 file with typescript-to-lua (TSTL) 1.37: the
 * NodeMCU target's language (DESIGN.md, "Targets"). TSTL has no typed arrays, so
 * lua-prelude.lua (Uint8Array & co., exactly the subset docs/portability.md allows) is put
 * in front of the bundle. Running the file returns the entry module's exports table.
 *
 * TSTL reports constructs it cannot translate (signed `>>`, method/function `self`
 * mismatches, unsupported built-ins) as diagnostics; any error among them fails the build,
 * all listed, because a Lua file compiled past them would misbehave only at run time.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import { SolkitError } from "../../shared/errors";

export interface LuaBuildOptions {
  /** Entry module (TypeScript); the Lua file returns its exports. */
  entry: string;
  /** Where to write the Lua file; omitted: only returned. */
  outFile?: string;
  /** Root that module names are relative to (default: the repository root). */
  rootDir?: string;
}

export interface LuaBuildResult {
  /** Prelude + bundle, exactly as written to `outFile`. */
  code: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, "..", "..");
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

function describe(d: ts.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${relative(process.cwd(), d.file.fileName)}:${line + 1}:${character + 1} ${text}`;
}

/**
 * Compiles `entry` and everything it imports into one Lua 5.3 file with the typed-array prelude.
 * @throws SolkitError E_LUA_BUILD listing every TSTL/TypeScript error, or when no bundle came out
 */
export async function buildLuaBundle(opts: LuaBuildOptions): Promise<LuaBuildResult> {
  const entry = resolve(opts.entry);
  const rootDir = resolve(opts.rootDir ?? REPO_ROOT);
  const written: { [name: string]: string } = {};
  const result = tstl.transpileFiles([entry], options(entry, rootDir), (name, text) => {
    written[name] = text;
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const list = errors.map((d) => `  ${describe(d)}`).join("\n");
    throw new SolkitError("E_LUA_BUILD", `${errors.length} error(s) compiling ${opts.entry} to Lua:\n${list}`);
  }
  const names = Object.keys(written).filter((n) => n.endsWith(".lua"));
  if (names.length !== 1) {
    throw new SolkitError("E_LUA_BUILD", `expected one Lua bundle from ${opts.entry}, got ${names.length}`);
  }
  const prelude = await readFile(PRELUDE, "utf8");
  const code = `${prelude}\n${written[names[0]]}`;
  if (opts.outFile !== undefined) {
    await mkdir(dirname(opts.outFile), { recursive: true });
    await writeFile(opts.outFile, code);
  }
  return { code };
}
