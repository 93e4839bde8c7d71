/**
 * `npm run build:shared`: bundles shared/'s public API (shared/index.ts) for both embedded
 * targets and prints what each costs a board's flash:
 *   dist/shared/shared.espruino.js  (global `solkitShared`, minified, feature-checked)
 *   dist/shared/shared.lua          (Lua 5.3 with the typed-array prelude; returns the exports)
 * `sharedBundleSizes()` is the same build for the benchmark table (bench/bundles.ts).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { buildEspruinoBundle } from "../toolchain/espruino";
import { buildLuaBundle } from "../toolchain/lua";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY = join(ROOT, "shared", "index.ts");

export interface BundleSize {
  bytes: number;
  gzip: number;
}

export interface SharedBundles {
  espruino: BundleSize & { file: string };
  lua: BundleSize & { file: string };
}

function size(code: string): BundleSize {
  const buf = Buffer.from(code, "utf8");
  return { bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}

/**
 * Builds both bundles of shared/ into `outDir` (default dist/shared).
 * @throws SolkitError E_ESPRUINO_FEATURE, E_BUILD or E_LUA_BUILD when a build fails
 */
export async function buildShared(outDir: string = join(ROOT, "dist", "shared")): Promise<SharedBundles> {
  const espruinoFile = join(outDir, "shared.espruino.js");
  const luaFile = join(outDir, "shared.lua");
  const esp = await buildEspruinoBundle({ entry: ENTRY, outFile: espruinoFile, minify: true, globalName: "solkitShared" });
  const lua = await buildLuaBundle({ entry: ENTRY, outFile: luaFile });
  return { espruino: { file: espruinoFile, ...size(esp.code) }, lua: { file: luaFile, ...size(lua.code) } };
}

/**
 * Bytes and gzip bytes of the Espruino and Lua bundles of shared/ (builds them into dist/shared).
 * @throws SolkitError when a build fails
 */
export async function sharedBundleSizes(): Promise<{ espruino: BundleSize; lua: BundleSize }> {
  const b = await buildShared();
  return { espruino: { bytes: b.espruino.bytes, gzip: b.espruino.gzip }, lua: { bytes: b.lua.bytes, gzip: b.lua.gzip } };
}

async function main(): Promise<void> {
  const b = await buildShared();
  for (const [name, s] of [["espruino", b.espruino], ["lua", b.lua]] as const) {
    console.log(`${name.padEnd(8)} ${String(s.bytes).padStart(7)} bytes ${String(s.gzip).padStart(7)} gzip  ${s.file}`);
  }
}

// Run only as a script (bench imports sharedBundleSizes without building twice).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: any) => {
    console.error(`build:shared failed: ${e && e.message}`);
    process.exitCode = 1;
  });
}
