/**
 * The text sent to an Espruino board to write a file into its Storage, and the checks both
 * ends compute. Pure functions, so `--dry-run` shows the very lines an upload sends.
 *
 * Like EspruinoTools (core/utils.js getUploadFileCode), data travels as base64 inside
 * `atob("…")` (any byte value survives a line-based REPL) and lands with
 * `require("Storage").write(name, data, offset, totalSize)`: the first write creates the
 * file at its full size, later ones fill it at their offsets (src/jswrap_storage.c).
 * Unlike it, every chunk carries a check of (offset, data) that the board recomputes before
 * writing, so a byte changed on the wire is refused instead of burnt into flash (flash bits
 * only go from 1 to 0: a wrong write cannot be overwritten in place), and a chunk whose
 * answer was lost can be sent again safely: the board skips data that is already there.
 * The check is the first 4 bytes of the native SHA-256 where the board has require("crypto"),
 * else Adler-32 (RFC 1950 section 8.2) computed in JavaScript on the board.
 */
import { createHash } from "node:crypto";

/**
 * An expression that defines the global helpers for one upload (gone after the reset that
 * follows) and starts kicking the watchdog: the device program enabled it with manual kicks,
 * it survives reset(), and an upload at 9600 baud outlasts its 30 s.
 */
export function helperExpr(crypto: boolean): string {
  return (
    `(function(){global.__skC=${crypto ? 1 : 0};` +
    `global.__skh=function(s){if(__skC){var h=new Uint8Array(require("crypto").SHA256(s)),x="";for(var i=0;i<4;i++)x+=(256+h[i]).toString(16).substr(1);return x;}` +
    `var a=1,b=0;for(var j=0;j<s.length;j++){a=(a+s.charCodeAt(j))%65521;b=(b+a)%65521;}return (b*65536+a).toString(16);};` +
    `global.__skw=function(n,b,o,c,t){var S=require("Storage"),d=atob(b),h=__skh(o+":"+d);if(h!=c)return "bad "+h;` +
    `if(o==0){S.write(n,d,0,t);return 1;}if(S.read(n,o,d.length)===d)return 1;S.write(n,d,o);return 1;};` +
    `global.__skv=function(n){var d=require("Storage").read(n);if(d===undefined)return "";if(!__skC)return "adler32:"+__skh(d);` +
    `var h=new Uint8Array(require("crypto").SHA256(d)),x="";for(var i=0;i<h.length;i++)x+=(256+h[i]).toString(16).substr(1);return "sha256:"+x;};` +
    `global.__skK=setInterval(function(){try{E.kickWatchdog();}catch(e){}},1000);return 1;})()`
  );
}

/** Adler-32 as the board's helper prints it (lower-case hex, no padding). */
export function adler32Hex(s: string): string {
  let a = 1;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    a = (a + (s.charCodeAt(i) & 0xff)) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a).toString(16);
}

/** The per-chunk check of (offset, data), as the board computes it. */
export function chunkCheck(crypto: boolean, offset: number, data: string): string {
  const s = `${offset}:${data}`;
  if (!crypto) return adler32Hex(s);
  return createHash("sha256").update(Buffer.from(s, "latin1")).digest("hex").slice(0, 8);
}

/** What the board's __skv answers for the whole file. */
export function fileCheck(crypto: boolean, data: string): string {
  return crypto ? `sha256:${createHash("sha256").update(Buffer.from(data, "latin1")).digest("hex")}` : `adler32:${adler32Hex(data)}`;
}

/** The expression that writes one chunk (goes inside ReplSession.call). */
export function chunkExpr(crypto: boolean, file: string, code: string, offset: number, size: number): string {
  const data = code.slice(offset, offset + size);
  const b64 = Buffer.from(data, "latin1").toString("base64");
  return `__skw(${JSON.stringify(file)},"${b64}",${offset},"${chunkCheck(crypto, offset, data)}",${code.length})`;
}

/** Bytes on the wire for a chunk of `size` bytes: the base64 and the call's wrapping. */
export function chunkWireBytes(size: number): number {
  return Math.ceil(size / 3) * 4 + 170;
}

/**
 * Chunk size from measurements of this board and link (never a fixed guess):
 * - big enough that the measured round trip costs at most 5 % of a chunk's time on the wire;
 * - small enough that the chunk's line, its base64 literal and the decoded bytes (about 3.7
 *   bytes of RAM per byte of data, at ~12 characters per 16-byte variable block) use at most a
 *   quarter of the variables the board has free.
 * A power of two between 128 and 8192 bytes.
 */
export function chooseChunkBytes(m: { rttMs: number; baud: number; freeVars: number }): number {
  const bytesPerMs = m.baud / 10_000;
  const wanted = (20 * m.rttMs * bytesPerMs * 3) / 4; // data bytes whose base64 takes 20 round trips
  const memoryCap = (m.freeVars / 4) * 12 / 3.7;
  let size = 128;
  while (size < wanted && size * 2 <= memoryCap && size < 8192) size *= 2;
  return size;
}
