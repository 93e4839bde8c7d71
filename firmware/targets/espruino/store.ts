/**
 * The Store over Espruino's Storage (espruino.com/Reference#Storage): write(name, data) makes
 * a new file; write(name, data, 0, size) makes one of `size` bytes, erased (0xff) past `data`;
 * write(name, data, offset) programs bytes in place, which flash can only do over erased bytes
 * (bits go 1 → 0), so writeAt checks first and refuses rather than corrupting a record.
 * File names stay under Storage's 28-character limit (the firmware uses `sk.*`).
 */
import type { Store } from "../../hal";

export function espruinoStore(): Store {
  const S = require("Storage");
  function read(name: string): Uint8Array | undefined {
    const ab = S.readArrayBuffer(name);
    return ab === undefined ? undefined : new Uint8Array(ab);
  }
  return {
    read: read,
    write: function (name: string, data: Uint8Array): boolean {
      return S.write(name, data);
    },
    create: function (name: string, size: number): boolean {
      // One erased byte at offset 0 with `size`: a file of `size` erased bytes.
      return S.write(name, "\xff", 0, size);
    },
    writeAt: function (name: string, offset: number, data: Uint8Array): boolean {
      const cur = read(name);
      if (cur === undefined || offset + data.length > cur.length) return false;
      for (let i = 0; i < data.length; i++) if (cur[offset + i] !== 0xff) return false;
      return S.write(name, data, offset);
    },
    erase: function (name: string): void {
      S.erase(name);
    },
    free: function (): number {
      return S.getFree();
    },
  };
}
