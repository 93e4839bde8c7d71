/**
 * The Store over NodeMCU's file module (SPIFFS or LittleFS in the chip's flash). Lua strings
 * are the byte buffers (nodemcu-prelude.lua bridges them). A whole-file write removes the old
 * file and writes the new one, as Espruino's Storage does (a cut leaves a prefix of the new
 * file; the journals keep two files for that); in-place writes go over erased bytes only.
 * Every failure is the contract's false: file.open returns nil on a full filesystem.
 */
import type { Store } from "../../hal";

/** Kept free on the filesystem for the firmware's own files and SPIFFS's garbage collection. */
const RESERVE = 4096;

export function nodemcuStore(): Store {
  function read(name: string): Uint8Array | undefined {
    if (!file.exists(name)) return undefined;
    const f = file.open(name, "r");
    if (f === undefined) return undefined;
    let s = "";
    for (;;) {
      const part = f.read(1024);
      if (part === undefined) break;
      s = s + part;
    }
    f.close();
    return solkit_string_to_bytes(s);
  }
  function free(): number {
    const remaining = file.fsinfo();
    return remaining > RESERVE ? remaining - RESERVE : 0;
  }
  function replace(name: string, data: Uint8Array): boolean {
    const old = read(name);
    if (data.length - (old === undefined ? 0 : old.length) > free()) return false;
    if (old !== undefined) file.remove(name);
    const f = file.open(name, "w");
    if (f === undefined) return false;
    const ok = f.write(solkit_bytes_to_string(data));
    f.close();
    return ok === true;
  }
  // Wrapped: an interface method takes `self` in Lua, a local function does not (TSTL).
  return {
    read: function (name: string): Uint8Array | undefined {
      return read(name);
    },
    write: function (name: string, data: Uint8Array): boolean {
      return replace(name, data);
    },
    create: function (name: string, size: number): boolean {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = 0xff;
      return replace(name, b);
    },
    writeAt: function (name: string, offset: number, data: Uint8Array): boolean {
      // Only the bytes to program are read and checked, not the whole file: an outbox file is
      // 3 KiB, and an ESP8266 has ~40 KiB of heap.
      if (offset < 0 || !file.exists(name)) return false;
      const f = file.open(name, "r+");
      if (f === undefined) return false;
      const size = f.seek("end", 0);
      let ok = size !== undefined && offset + data.length <= size;
      if (ok) {
        f.seek("set", offset);
        const cur = f.read(data.length);
        ok = cur !== undefined && cur.length === data.length;
        for (let i = 0; ok && i < data.length; i++) if (cur!.charCodeAt(i) !== 0xff) ok = false;
      }
      if (ok) {
        f.seek("set", offset);
        ok = f.write(solkit_bytes_to_string(data)) === true;
      }
      f.close();
      return ok;
    },
    erase: function (name: string): void {
      if (file.exists(name)) file.remove(name);
    },
    free: function (): number {
      return free();
    },
  };
}
