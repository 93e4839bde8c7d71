/**
 * Heatshrink, the compression Espruino decompresses natively (src/compress_heatshrink.c; its
 * packet file upload and `require("heatshrink")`). The host side is the `espruino` package's
 * own build of the C library (libs/heatshrink.js, compiled with the board's
 * heatshrink_config.h: window 8 bits, lookahead 4), so what it compresses is what a board
 * decompresses — checked on the real interpreter (test/device/flash-cut.test.ts).
 *
 * The `espruino` package is a development dependency (its optional BLE and serial packages
 * build native code, which a gateway on a Pi installed with --omit=dev should not need): where
 * it is missing, `heatshrinkAvailable()` is false and uploads go uncompressed.
 */
import { createRequire } from "node:module";

interface HeatshrinkLib {
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}

let lib: HeatshrinkLib | null | undefined;

function load(): HeatshrinkLib | null {
  if (lib === undefined) {
    try {
      lib = createRequire(import.meta.url)("espruino/libs/heatshrink.js") as HeatshrinkLib;
    } catch {
      lib = null;
    }
  }
  return lib;
}

function heatshrink(): HeatshrinkLib {
  const l = load();
  if (!l) throw new Error("heatshrink needs the espruino package (npm install espruino)");
  return l;
}

/** The compressor is installed (the espruino package, a development dependency). */
export function heatshrinkAvailable(): boolean {
  return load() !== null;
}

/** One independent heatshrink stream (each of Espruino's compressed packets is one). */
export function heatshrinkCompress(data: Uint8Array): Uint8Array {
  return data.length === 0 ? new Uint8Array(0) : Uint8Array.from(heatshrink().compress(data));
}

export function heatshrinkDecompress(data: Uint8Array): Uint8Array {
  return data.length === 0 ? new Uint8Array(0) : Uint8Array.from(heatshrink().decompress(data));
}
