/**
 * A simulated NodeMCU board's LFS partition (Lua Flash Store): the image the board runs its
 * program from, which makes its Lua process NodeMCU's own core (`luac.cross -F image -e`,
 * toolchain/luac-cross.ts) instead of Debian's lua5.3. Filled by the build (a board started with
 * its program in LFS) or by node.LFS.reload of an image in the board's flash, through the same
 * checks a chip's loader makes: an image it cannot load, or one bigger than the partition, leaves
 * the partition erased and says why.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { luacCross } from "../../toolchain/luac-cross";
import { buildLfsImage, lfsImageFlashBytes, luacCrossSaid } from "../../toolchain/nodemcu-lfs";

export class LfsPartition {
  /** The loaded image, or undefined: the partition is empty (or there is none). */
  private image: string | undefined = undefined;
  /** Bytes of the partition the loaded image takes (node.LFS.config.lfs_used). */
  private used = 0;

  /**
   * @param file where the partition's image is kept (beside the board's flash folder)
   * @param size bytes of the partition, or undefined: a firmware built without LFS
   */
  constructor(private readonly file: string, private readonly size: number | undefined) {}

  /** True while an image is loaded: the program runs in NodeMCU's core. */
  get loaded(): boolean {
    return this.image !== undefined;
  }

  /** Compiles `firmware` (the Lua bundle) into the partition, as a build and flash would. */
  build(firmware: string, debugInfo?: boolean): void {
    this.used = buildLfsImage(firmware, this.file, { debugInfo }).flashBytes;
    this.image = this.file;
  }

  /**
   * Loads the image file `source` as a chip's loader does.
   * @returns undefined when loaded, else the loader's words (the partition is then erased)
   */
  load(source: string): string | undefined {
    copyFileSync(source, this.file);
    const check = spawnSync(luacCross(), ["-F", this.file, "-e", "/dev/null"], { encoding: "utf8" });
    const used = check.status === 0 ? lfsImageFlashBytes(this.file) : 0;
    if (check.status === 0 && used <= (this.size ?? 0)) {
      this.image = this.file;
      this.used = used;
      return undefined;
    }
    this.erase();
    return check.status === 0 ? `the image needs ${used} bytes, the LFS partition has ${this.size ?? 0}` : luacCrossSaid(check.stderr);
  }

  /** The interpreter a boot runs and the options before the emulation's file. */
  interpreter(): { cmd: string; options: string[] } {
    return this.image === undefined ? { cmd: process.env.SOLKIT_LUA ?? "lua5.3", options: [] } : { cmd: luacCross(), options: ["-F", this.image, "-e"] };
  }

  /** The emulation's argument: "nolfs", or the partition's size and what the image takes of it. */
  emulationArg(): string {
    return this.size === undefined ? "nolfs" : `${this.size}:${this.used}`;
  }

  /** Empties the partition (and removes its file). */
  erase(): void {
    this.image = undefined;
    this.used = 0;
    rmSync(this.file, { force: true });
  }
}
