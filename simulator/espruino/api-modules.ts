/**
 * The built-in modules a program gets from `require`: "Storage" (src/jswrap_storage.c over
 * storage.ts), "heatshrink" and "crypto" (libs/crypto/jswrap_crypto.c: SHA1/SHA224/SHA256/SHA384/SHA512 take
 * a string, array or buffer and return an ArrayBuffer of the digest; implemented with
 * node:crypto). "net" lives in net.ts.
 */
import { createHash } from "node:crypto";
import { heatshrinkCompress, heatshrinkDecompress } from "../../toolchain/heatshrink";
import { bytesToBinaryString, type Realm, toBytes } from "./realm";
import type { FlashStorage } from "./storage";

/**
 * Storage.writeJSON as 2v20+ writes it: standard JSON except that characters 0x7f-0xff are
 * written as `\xHH` (jsfGetJSON without JSON_ALL_UNICODE_ESCAPE), which JSON.parse would
 * refuse: read such files with readJSON, as on the board.
 */
function storageJson(data: unknown): string | undefined {
  const s = JSON.stringify(data);
  if (s === undefined) return undefined;
  return s.replace(/[\x7f-\xff]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0"));
}

/** readJSON's parser accepts the `\xHH` escapes writeJSON produces. */
function parseStorageJson(text: string): unknown {
  return JSON.parse(text.replace(/\\x([0-9A-Fa-f]{2})/g, "\\u00$1"));
}

function isPlainObject(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  return Object.prototype.toString.call(v) !== "[object ArrayBuffer]";
}

/** require("Storage") for one boot. */
export function storageModule(storage: FlashStorage, realm: Realm): object {
  const name = (n: unknown) => String(n);
  return {
    read(n: unknown, offset?: number, length?: number): string | undefined {
      const b = storage.read(name(n), offset ?? 0, length ?? 0);
      return b === undefined ? undefined : bytesToBinaryString(b);
    },
    readJSON(n: unknown, noExceptions?: boolean): unknown {
      const b = storage.read(name(n));
      if (b === undefined) return undefined;
      try {
        return parseStorageJson(bytesToBinaryString(b));
      } catch (e: any) {
        if (noExceptions) return undefined;
        throw new realm.Error(`Storage.readJSON: ${e && e.message}`);
      }
    },
    readArrayBuffer(n: unknown): ArrayBuffer | undefined {
      const b = storage.read(name(n));
      return b === undefined ? undefined : realm.arrayBuffer(b);
    },
    write(n: unknown, data: unknown, offset?: number, size?: number): boolean {
      if (isPlainObject(data)) return storage.write(name(n), toBytes(storageJson(data) ?? ""), 0, 0);
      return storage.write(name(n), toBytes(data), Math.floor(offset ?? 0), Math.floor(size ?? 0));
    },
    writeJSON(n: unknown, data: unknown): boolean {
      return storage.write(name(n), toBytes(storageJson(data) ?? ""), 0, 0);
    },
    erase(n: unknown): void {
      storage.erase(name(n));
    },
    eraseAll(): void {
      storage.eraseAll();
    },
    list(regex?: unknown): string[] {
      let names = storage.list();
      if (regex !== undefined) names = names.filter((x) => x.match(regex as RegExp) !== null);
      return realm.array(names);
    },
    compact(): void {
      storage.compact();
    },
    getFree(): number {
      return storage.getFree();
    },
    getStats(): object {
      return storage.stats();
    },
    open(): never {
      throw new realm.Error("StorageFile (Storage.open) is not emulated by the simulator");
    },
  };
}

const HASHES: [string, string][] = [["SHA1", "sha1"], ["SHA224", "sha224"], ["SHA256", "sha256"], ["SHA384", "sha384"], ["SHA512", "sha512"]];

/** require("crypto") (the hash functions; AES and PBKDF2 are not emulated). */
export function cryptoModule(realm: Realm): object {
  const mod: { [k: string]: (message: unknown) => ArrayBuffer } = {};
  for (const [js, node] of HASHES) {
    mod[js] = (message: unknown) => realm.arrayBuffer(new Uint8Array(createHash(node).update(toBytes(message)).digest()));
  }
  return mod;
}

/** require("heatshrink") (src/compress_heatshrink.c via the espruino package's build of it). */
export function heatshrinkModule(realm: Realm): object {
  return {
    compress: (data: unknown) => realm.arrayBuffer(heatshrinkCompress(toBytes(data))),
    decompress: (data: unknown) => realm.arrayBuffer(heatshrinkDecompress(toBytes(data))),
  };
}
