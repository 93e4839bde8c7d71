// Module hooks that run the TypeScript sources without a build step, fast on the second start.
//
// Why not tsx's register() here (it runs everything else: tests, bench, scripts): on this
// machine it costs ~0.4 s before the first line of ours runs (it starts esbuild's service at
// every start), so `solkit --help` took 3x bare node just to load. These hooks transpile each
// file once with esbuild (the compiler tsx itself uses), keep the result under
// node_modules/.cache/solkit-ts keyed by the source's content, and start esbuild only on a miss.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const CACHE = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".cache", "solkit-ts");
// Bump when the transform options below change: old entries are then never read again.
const VERSION = "1";
let esbuild;

/** Extension-less relative imports (as the sources write them) resolve to .ts, then index.ts. */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.endsWith(".ts") && (specifier.startsWith("./") || specifier.startsWith("../"))) {
    const base = new URL(specifier, parent);
    const path = fileURLToPath(base);
    if (!/\.[cm]?[jt]s$|\.json$/.test(path)) {
      for (const candidate of [`${path}.ts`, join(path, "index.ts")]) {
        if (existsSync(candidate)) return { url: pathToFileURL(candidate).href, shortCircuit: true };
      }
    }
  }
  return next(specifier, context);
}

/** .ts files come back as JavaScript modules, from the cache when their text has not changed. */
export async function load(url, context, next) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return next(url, context);
  const file = fileURLToPath(url);
  const text = readFileSync(file, "utf8");
  const key = createHash("sha1").update(VERSION).update("\0").update(file).update("\0").update(text).digest("hex");
  const cached = join(CACHE, key.slice(0, 2), `${key}.mjs`);
  let source;
  try {
    source = readFileSync(cached, "utf8");
  } catch {
    esbuild ??= await import("esbuild");
    const out = await esbuild.transform(text, {
      loader: "ts", format: "esm", target: "node20", sourcefile: file, sourcemap: "inline",
    });
    source = out.code;
    try {
      mkdirSync(dirname(cached), { recursive: true });
      // Written whole, then renamed: a second solkit starting at once never reads half a file.
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, source);
      renameSync(tmp, cached);
    } catch {
      // A read-only install still runs; it transpiles on every start.
    }
  }
  return { format: "module", source, shortCircuit: true };
}
