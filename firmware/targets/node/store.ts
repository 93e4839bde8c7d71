/**
 * The Store on a Pi's filesystem: one file per name in a data folder, with the HAL's flash
 * semantics kept exactly (the firmware's journals and outbox rely on them):
 * - `write`/`create` replace a file atomically: a temporary file is written and fsync'd, renamed
 *   over the old one, and the folder fsync'd — a power cut leaves the old file or the new one,
 *   never a mix (an SD card loses what the page cache held);
 * - `writeAt` programs bytes in place over erased (0xff) bytes only, then fsyncs: a cut keeps a
 *   prefix at worst, as a flash write would;
 * - a quota (the board's `storageBytes`) bounds the folder, so the outbox sizes itself as on a
 *   microcontroller and a full SD card answers false instead of throwing.
 * Names are the firmware's own (`sk.*`); anything that could leave the folder is refused.
 */
import * as nodeFs from "node:fs";
import { join } from "node:path";
import type { Store } from "../../hal";

/** What the store needs of node:fs: a test passes a wrapper that cuts the power inside a write. */
export type StoreFs = Pick<typeof nodeFs,
  "openSync" | "closeSync" | "writeSync" | "fsyncSync" | "readFileSync" | "renameSync" | "unlinkSync" |
  "readdirSync" | "statSync" | "mkdirSync" | "statfsSync">;

/** Suffix of a file being replaced; left over only by a cut, and removed at start. */
const TEMP = ".~new";
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
/** Kept free on the filesystem whatever the quota says: the OS needs its card too. */
const RESERVE_BYTES = 1 << 20;

function validName(name: string): boolean {
  return NAME.test(name) && !name.endsWith(TEMP);
}

export interface FileStoreOptions {
  dir: string;
  /** Most bytes the folder may hold (the board file's limits.storageBytes). */
  quotaBytes: number;
  fs?: StoreFs;
}

export function fileStore(o: FileStoreOptions): Store {
  const fs = o.fs ?? nodeFs;
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const sizes = new Map<string, number>();
  for (const f of fs.readdirSync(o.dir)) {
    if (f.endsWith(TEMP)) fs.unlinkSync(join(o.dir, f)); // a replace the power cut short
    else if (validName(f)) sizes.set(f, fs.statSync(join(o.dir, f)).size);
  }
  let used = 0;
  for (const n of sizes.values()) used += n;

  function syncDir(): void {
    const fd = fs.openSync(o.dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  function diskFree(): number {
    const s = fs.statfsSync(o.dir);
    return Math.max(0, Number(s.bavail) * Number(s.bsize) - RESERVE_BYTES);
  }
  function free(): number {
    return Math.max(0, Math.min(o.quotaBytes - used, diskFree()));
  }
  function read(name: string): Uint8Array | undefined {
    if (!sizes.has(name)) return undefined;
    return new Uint8Array(fs.readFileSync(join(o.dir, name)));
  }
  function replace(name: string, data: Uint8Array): boolean {
    if (!validName(name)) return false;
    const old = sizes.get(name) ?? 0;
    if (data.length - old > free()) return false;
    const path = join(o.dir, name);
    try {
      const fd = fs.openSync(path + TEMP, "w", 0o600);
      try {
        let at = 0;
        while (at < data.length) at += fs.writeSync(fd, data, at, data.length - at, at);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(path + TEMP, path);
      syncDir();
    } catch {
      return false; // full card, quota, I/O error: the contract's false, never an exception
    }
    sizes.set(name, data.length);
    used += data.length - old;
    return true;
  }
  return {
    read,
    write: (name, data) => replace(name, data),
    create: (name, size) => replace(name, new Uint8Array(size).fill(0xff)),
    writeAt(name, offset, data) {
      const cur = read(name);
      if (cur === undefined || offset < 0 || offset + data.length > cur.length) return false;
      for (let i = 0; i < data.length; i++) if (cur[offset + i] !== 0xff) return false;
      try {
        const fd = fs.openSync(join(o.dir, name), "r+");
        try {
          let at = 0;
          while (at < data.length) at += fs.writeSync(fd, data, at, data.length - at, offset + at);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      } catch {
        return false;
      }
      return true;
    },
    erase(name) {
      const n = sizes.get(name);
      if (n === undefined) return;
      try {
        fs.unlinkSync(join(o.dir, name));
        syncDir();
      } catch {
        return; // the card refused (I/O error, a cut): the file stays, and the journals cope with that
      }
      sizes.delete(name);
      used -= n;
    },
    free,
  };
}
