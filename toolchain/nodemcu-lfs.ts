/**
 * The NodeMCU program as an LFS image (Lua Flash Store): NodeMCU's luac.cross compiles the bundle
 * into an image the board copies into its LFS flash partition (node.LFS.reload), after which the
 * program's code and constant strings run from flash and only its data takes RAM — the difference
 * between ~330 KiB and ~90 KiB of Lua heap for solkit's program after an hour (docs/nodemcu.md).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SolkitError } from "../shared/errors";
import { luacCross } from "./luac-cross";
import { NODEMCU_LFS_MODULE } from "./nodemcu-files";

/** Where an ESP8266 maps its flash (IROM0): an absolute image there has the chip's own layout. */
const ESP_FLASH_MAPPED = "0x40210000";

export interface LfsImageFacts {
  /** The module init.lua runs: node.LFS.get(module). */
  module: string;
  /** Bytes of the image file (what is uploaded to the board's file system). */
  imageBytes: number;
  /** Bytes it takes in the chip's LFS partition once loaded (32-bit layout): the partition must hold this. */
  flashBytes: number;
}

/**
 * Compiles `source` (the Lua bundle) into the LFS image `outFile`. Stripped of debug information
 * unless `debugInfo` (then an error names its line), as a chip would keep it. The program is the
 * image's module `module` (default solkit: what init.lua runs).
 * @throws SolkitError E_LUA_BUILD (luac.cross refuses the bundle), E_LUAC_CROSS (no compiler)
 */
export function buildLfsImage(source: string, outFile: string, opts: { debugInfo?: boolean; module?: string } = {}): LfsImageFacts {
  const exe = luacCross();
  const module = opts.module ?? NODEMCU_LFS_MODULE;
  // luac.cross names a module after its file: the bundle is written as <module>.lua.
  const dir = mkdtempSync(join(tmpdir(), "solkit-lfs-"));
  try {
    writeFileSync(join(dir, `${module}.lua`), source, "latin1");
    run(exe, [...(opts.debugInfo ? [] : ["-s"]), "-f", "-o", resolve(outFile), `${module}.lua`], dir, "compiling the LFS image");
    return { module, imageBytes: statSync(outFile).size, flashBytes: lfsImageFlashBytes(outFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Bytes the LFS image `imageFile` takes in a chip's LFS partition once loaded: luac.cross lays it
 * out as the chip does (`-a`, absolute at the ESP's mapped flash, 32-bit) and the result's size is
 * that. The partition (node.LFS.config.lfs_size) must be at least this.
 * @throws SolkitError E_LUA_BUILD when luac.cross cannot load the image
 */
export function lfsImageFlashBytes(imageFile: string): number {
  const dir = mkdtempSync(join(tmpdir(), "solkit-lfs-"));
  try {
    const abs = join(dir, "absolute.img");
    run(luacCross(), ["-F", resolve(imageFile), "-a", ESP_FLASH_MAPPED, "-o", abs], dir, "laying the image out as on the chip");
    return statSync(abs).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The build time luac.cross stamps an image with (node.LFS.time, which solkit never reads): the
 * caller's SOURCE_DATE_EPOCH, else 0 — never the clock, so one program makes one image (patch 7).
 */
const IMAGE_EPOCH = process.env.SOURCE_DATE_EPOCH || "0";

function run(exe: string, args: string[], cwd: string, what: string): void {
  const r = spawnSync(exe, args, { cwd, encoding: "utf8", env: { ...process.env, SOURCE_DATE_EPOCH: IMAGE_EPOCH } });
  if (r.status !== 0) throw new SolkitError("E_LUA_BUILD", `luac.cross, ${what}: ${luacCrossSaid(r.stderr || String(r.error))}`);
}

/** What luac.cross said on stderr: the line naming it (the erase progress comes first), without its path. */
export function luacCrossSaid(stderr: string): string {
  const lines = stderr.split("\n");
  const said = lines.find((l) => /luac\.cross[^:]*: /.test(l)) ?? lines.find((l) => l.trim() !== "") ?? "failed";
  return said.replace(/^.*?luac\.cross[^:]*: /, "").replace(/^\(null\): /, "").trim();
}
