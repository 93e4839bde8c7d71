/**
 * The Store over Espruino's Storage (espruino.com/Reference#Storage): write(name, data) makes
 * a new file; write(name, data, 0, size) makes one of `size` bytes, erased (0xff) past `data`;
 * write(name, data, offset) programs bytes in place, which flash can only do over erased bytes
 * (bits go 1 → 0), so writeAt checks first and refuses rather than corrupting a record.
 * File names stay under Storage's 28-character limit (the firmware uses `sk.*`).
 * A full Storage makes write() throw ("Unable to find or create file", jswrap_storage.c), not
 * return false, so every write is guarded: the contract is a false, never an exception.
 */
import type { Store } from "../../hal";

export function espruinoStore(): Store {
  const S = require("Storage");
  function read(name: string): Uint8Array | undefined {
    const ab = S.readArrayBuffer(name);
    return ab === undefined ? undefined : new Uint8Array(ab);
  }
  function guarded(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean {
    try {
      return S.write(name, data, offset, size);
    } catch (e) {
      return false;
    }
  }
  return {
    read: read,
    write: function (name: string, data: Uint8Array): boolean {
      return guarded(name, data);
    },
    create: function (name: string, size: number): boolean {
      // One erased byte at offset 0 with `size`: a file of `size` erased bytes.
      return guarded(name, "\xff", 0, size);
    },
    writeAt: function (name: string, offset: number, data: Uint8Array): boolean {
      const cur = read(name);
      if (cur === undefined || offset + data.length > cur.length) return false;
      for (let i = 0; i < data.length; i++) if (cur[offset + i] !== 0xff) return false;
      if (offset > 0) return guarded(name, data, offset);
      // Offset 0 means "create a new file" to Storage.write, so the file is written anew
      // whole with `data` merged in. It only happens for a file's first record, right after
      // create(), when the rest is still erased: a cut then loses only that fresh record.
      const merged = new Uint8Array(cur.length);
      for (let i = 0; i < cur.length; i++) merged[i] = i < data.length ? data[i] : cur[i];
      return guarded(name, merged);
    },
    erase: function (name: string): void {
      S.erase(name);
    },
    free: function (): number {
      return S.getFree();
    },
  };
}
