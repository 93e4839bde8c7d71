/**
 * Builds portable TypeScript (shared/, firmware/) into ONE JavaScript file in the language
 * the Espruino 2v2x interpreter runs.
 *
 * Why not `tsc --target ES5`: Espruino does not hoist functions, and TypeScript's ES5 output
 * for `class … extends` calls `__extends` before the helper's declaration has run ("Can't
 * extend undefined" on the board); TypeScript 6 deprecates ES5 anyway (DESIGN.md, "Espruino
 * facts"). Instead types are stripped and ONLY what Espruino lacks is lowered by Babel, so
 * classes, arrows and template literals stay native. Babel's `assumptions` keep its helpers
 * free of Symbol.iterator and Array.from, which Espruino also lacks. The result is then
 * checked by espruino-check.ts: the build fails if anything forbidden is left.
 */
import { babel } from "@rollup/plugin-babel";
import commonjs from "@rollup/plugin-commonjs";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { rollup, type Plugin, type RollupLog } from "rollup";
import { SolkitError } from "../shared/errors";
import { assertEspruinoCompatible } from "./espruino-check";

export interface EspruinoBuildOptions {
  /** Entry module (TypeScript); its exports become properties of the global object. */
  entry: string;
  /** Where to write the bundle; omitted: only returned. */
  outFile?: string;
  /** Minify with terser (default true). */
  minify?: boolean;
  /** Name of the global object that carries the entry's exports (default "solkitShared"). */
  globalName?: string;
  /** More rollup plugins, run before resolution (e.g. a virtual module carrying board facts). */
  plugins?: Plugin[];
  /**
   * Size options of the "tiny" profile (toolchain/firmware-profile.ts): `stripErrorMessages`
   * keeps each `new SolkitError(code, message)`'s code and drops a literal message;
   * `mangleReserved` renames every property but these (toolchain/mangle-reserved.ts).
   */
  stripErrorMessages?: boolean;
  mangleReserved?: string[];
}

/** One module's share of the bundle, before minification (rollup's rendered length). */
export interface ModuleSize {
  id: string;
  bytes: number;
}

export interface EspruinoBuildResult {
  /** The bundle's text, exactly as written to `outFile`. */
  code: string;
  /** rollup's warnings (circular imports and the like), for the caller to show. */
  warnings: string[];
  /** Every module in the bundle, largest first. */
  modules: ModuleSize[];
}

/** The Babel transforms for what Espruino lacks, and nothing else (DESIGN.md's list). */
const PLUGINS = [
  "@babel/plugin-transform-class-properties",
  "@babel/plugin-transform-object-rest-spread",
  "@babel/plugin-transform-optional-chaining",
  "@babel/plugin-transform-nullish-coalescing-operator",
  "@babel/plugin-transform-destructuring",
  "@babel/plugin-transform-spread",
  "@babel/plugin-transform-parameters",
  "@babel/plugin-transform-block-scoping",
];

/**
 * Babel assumptions (babeljs.io/docs/assumptions): treat iterables as arrays (no
 * Symbol.iterator / Array.from in the helpers), plain assignment for class fields and
 * object spread, `== null` for optional chaining.
 */
const ASSUMPTIONS = {
  iterableIsArray: true,
  arrayLikeIsIterable: false,
  setPublicClassFields: true,
  setSpreadProperties: true,
  objectRestNoSymbols: true,
  ignoreFunctionLength: true,
  noDocumentAll: true,
  pureGetters: true,
  setClassMethods: true,
};

/**
 * terser, limited to ES5 output so it never writes shorthand or newer syntax, and told not
 * to move function or var declarations (Espruino runs a scope's statements in order, no hoisting).
 */
function terserPlugin(reserved?: string[]) {
  const tiny = reserved !== undefined;
  return terser({
    // "tiny" lets terser write arrow functions (Espruino has them, DESIGN.md "Espruino facts")
    // for function expressions that use neither `this` nor `arguments`; never shorthand.
    ecma: tiny ? 2015 : 5,
    module: false,
    toplevel: false,
    // inline: 1 — deeper inlining turns a function's parameter into `var x` written after the
    // `return` that uses it, which Espruino (no var hoisting) resolves to an outer x (issue 9;
    // espruino-check.ts "use before var" refuses it if it ever comes back).
    compress: { hoist_funs: false, hoist_vars: false, unsafe: false, passes: 2, inline: 1, arrows: tiny, unsafe_arrows: tiny },
    // keep_quoted: a name written quoted anywhere (o["x"], {"x": …}) is never renamed; builtins:
    // terser's DOM name list is not needed (Espruino has no DOM; reserved holds the ES library).
    mangle: reserved === undefined ? true : { properties: { reserved, keep_quoted: true, builtins: true } },
    format: { comments: false, ascii_only: true, shorthand: false },
  });
}

/**
 * Replaces the message of every `new SolkitError("E_…", <string or template literal>)` with
 * "": the code, which callers switch on, stays; the words go. A template's expressions only
 * format values for the message, so leaving them out changes nothing else.
 */
function stripErrorMessagesPlugin(): Plugin {
  return {
    name: "solkit-strip-error-messages",
    renderChunk(code: string) {
      const ast = this.parse(code) as any;
      const edits: [number, number][] = [];
      const visit = (node: any): void => {
        if (node === null || typeof node !== "object") return;
        if (Array.isArray(node)) {
          for (const n of node) visit(n);
          return;
        }
        if (node.type === "NewExpression" && node.callee.type === "Identifier" && /^SolkitError(\$\d+)?$/.test(node.callee.name) &&
          node.arguments.length === 2 && node.arguments[0].type === "Literal" &&
          (node.arguments[1].type === "TemplateLiteral" || (node.arguments[1].type === "Literal" && typeof node.arguments[1].value === "string"))) {
          edits.push([node.arguments[1].start, node.arguments[1].end]);
          return; // nothing inside is visited, so edits never overlap
        }
        for (const key of Object.keys(node)) if (key !== "type" && typeof node[key] === "object") visit(node[key]);
      };
      visit(ast);
      // Applied from the end, so earlier offsets stay valid.
      edits.sort((x, y) => y[0] - x[0]);
      let out = code;
      for (const [a, b] of edits) out = out.slice(0, a) + '""' + out.slice(b);
      return { code: out, map: null };
    },
  };
}

/**
 * Bundles `entry` for Espruino, checks the result and writes it.
 * @throws SolkitError E_BUILD when rollup or Babel fails
 * @throws SolkitError E_ESPRUINO_FEATURE when the bundle uses a feature Espruino lacks (all listed)
 */
export async function buildEspruinoBundle(opts: EspruinoBuildOptions): Promise<EspruinoBuildResult> {
  const warnings: string[] = [];
  let code: string;
  let modules: ModuleSize[] = [];
  try {
    const bundle = await rollup({
      input: opts.entry,
      treeshake: true,
      onLog(level: string, log: RollupLog) {
        // An unresolved import would become a global the board does not have.
        if (log.code === "UNRESOLVED_IMPORT") throw new Error(log.message);
        if (level === "warn") warnings.push(log.message);
      },
      plugins: [
        ...(opts.plugins ?? []),
        nodeResolve({ extensions: [".ts", ".js"], browser: true, preferBuiltins: false }),
        commonjs({ extensions: [".js"] }),
        babel({
          babelHelpers: "bundled",
          extensions: [".ts", ".js"],
          babelrc: false,
          configFile: false,
          presets: [["@babel/preset-typescript", { onlyRemoveTypeImports: false }]],
          plugins: PLUGINS,
          assumptions: ASSUMPTIONS,
        }),
      ],
    });
    const out = await bundle.generate({
      format: "iife",
      name: opts.globalName ?? "solkitShared",
      esModule: false,
      freeze: false, // rollup's namespace objects would call Object.freeze, which Espruino lacks
      strict: false,
      generatedCode: "es5",
      plugins: [
        ...(opts.stripErrorMessages === true ? [stripErrorMessagesPlugin()] : []),
        ...(opts.minify === false ? [] : [terserPlugin(opts.mangleReserved)]),
      ],
    });
    await bundle.close();
    code = out.output[0].code;
    modules = Object.entries(out.output[0].modules)
      .map(([id, m]) => ({ id, bytes: m.renderedLength }))
      .sort((a, b) => b.bytes - a.bytes);
  } catch (e: any) {
    throw new SolkitError("E_BUILD", `Espruino build of ${opts.entry} failed: ${e && e.message}`);
  }
  const fileName = opts.outFile ?? "bundle.js";
  assertEspruinoCompatible(code, fileName.split("/").pop() as string);
  if (opts.outFile !== undefined) {
    await mkdir(dirname(opts.outFile), { recursive: true });
    await writeFile(opts.outFile, code);
  }
  return { code, warnings, modules };
}
