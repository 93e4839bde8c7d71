/**
 * NodeMCU's own `luac.cross`, built from the sources in toolchain/nodemcu-luac/ (NodeMCU
 * firmware's Lua 5.3 core and its host compiler, MIT; solkit's patches in solkit.patch).
 * It is not in Debian and cannot be downloaded here, so the first call compiles it with the
 * machine's C compiler (~15 s) into node_modules/.cache/solkit/, named by a hash of the sources:
 * a changed patch builds a new one, and concurrent first calls cannot see a half-written file.
 *
 * What it is for:
 * - `luac.cross -f -o lfs.img firmware.lua`: the LFS image a NodeMCU board loads into flash
 *   (node.LFS.reload), so its code runs from flash instead of taking RAM;
 * - `luac.cross -F lfs.img -e script.lua args…`: a host Lua *of NodeMCU's own core* with that image
 *   in its emulated flash (the simulator and `solkit build`'s heap figure run the firmware there).
 *
 * Built with LUA_NUMBER_64BITS, the 64-bit integers solkit's firmware needs (docs/nodemcu.md), and
 * a 2 MiB emulated LFS region: the host's 64-bit pointers make an image bigger than on the chip
 * (the chip's figure is the absolute image's size, `lfsImageFlashBytes`).
 */
import { spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SolkitError } from "../shared/errors";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = join(REPO, "toolchain", "nodemcu-luac", "src");
/** Where the built luac.cross is kept (SOLKIT_LUAC_CACHE: another folder, e.g. a test's empty one). */
const cacheDir = (): string => process.env.SOLKIT_LUAC_CACHE ?? join(REPO, "node_modules", ".cache", "solkit");
/** The compiler's flags: they are part of the cache key with the sources. */
const FLAGS = ["-O2", "-DLUA_NUMBER_64BITS", "-DLFS_SIZE=0x200000", "-DLUA_FIXED_SEED=0x50171c", "-w"];

let built: string | undefined;

/**
 * The path of a built luac.cross, compiling it on first use.
 * @throws SolkitError E_LUAC_CROSS when there is no C compiler or the build fails
 */
export function luacCross(): string {
  if (process.env.SOLKIT_LUAC_CROSS) return process.env.SOLKIT_LUAC_CROSS;
  if (built !== undefined) return built;
  const exe = cachedPath();
  if (!existsSync(exe)) compileLuacCross(exe);
  built = exe;
  return exe;
}

let sourceHash: string | undefined;

/**
 * Where luac.cross of these sources and flags is (or will be) kept. The hash reads ~0.9 MB of
 * sources: once per process (luacCrossAvailable is asked for every simulated NodeMCU board).
 */
function cachedPath(): string {
  if (sourceHash === undefined) {
    const hash = createHash("sha256").update(FLAGS.join(" "));
    for (const f of readdirSync(SOURCES).sort()) hash.update(f).update(readFileSync(join(SOURCES, f)));
    sourceHash = hash.digest("hex").slice(0, 16);
  }
  return join(cacheDir(), `luac.cross-${sourceHash}`);
}

/** True when luac.cross is built, or can be (a C compiler answers). */
export function luacCrossAvailable(): boolean {
  if (built !== undefined || process.env.SOLKIT_LUAC_CROSS || existsSync(cachedPath())) return true;
  return spawnSync(compiler(), ["--version"], { stdio: "ignore" }).status === 0;
}

function compiler(): string {
  return process.env.CC ?? "cc";
}

/**
 * Compiles luac.cross from toolchain/nodemcu-luac/src into `exe` (written whole or not at all).
 * @throws SolkitError E_LUAC_CROSS when there is no compiler `cc` or the build fails
 */
export function compileLuacCross(exe: string, cc = compiler()): void {
  mkdirSync(dirname(exe), { recursive: true });
  const sources = readdirSync(SOURCES).filter((f) => f.endsWith(".c")).sort();
  const tmp = `${exe}.${process.pid}.${randomUUID()}.tmp`; // workers of one process build side by side too
  const r = spawnSync(cc, [...FLAGS, "-I", SOURCES, ...sources.map((f) => join(SOURCES, f)), "-o", tmp, "-lm"], { encoding: "utf8" });
  if (r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new SolkitError("E_LUAC_CROSS", `no C compiler (${cc}) to build NodeMCU's luac.cross: install one with \`apt-get install gcc libc6-dev\``);
  }
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new SolkitError("E_LUAC_CROSS", `building NodeMCU's luac.cross failed: ${(r.stderr || String(r.error)).trim().split("\n").slice(0, 5).join(" | ")}`);
  }
  renameSync(tmp, exe);
}
