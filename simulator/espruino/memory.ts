/**
 * An estimate of how many Espruino variables ("JsVars", the unit of process.memory() and
 * E.getSizeOf) a set of values would take, after espruino.com/Internals: every value is one
 * 16-byte block; an object or array adds, per property, a name block (names longer than 4
 * characters spill into extra blocks of 12) plus its value; a string holds about 10
 * characters in its first block and 12 in each further one; typed arrays and ArrayBuffers
 * are a view, a buffer and a flat string of 16 bytes per block; a function is a block, its
 * parameters, and its code as a string.
 *
 * What it cannot see: variables captured only by closures (V8 does not expose them without
 * the inspector). A bundle built as an IIFE keeps its state in such closures, so for a whole
 * program the estimate is a LOWER bound. Code stays in flash when it was loaded from Storage
 * (Espruino's native strings), which this counts as if it were in RAM: that part is an upper
 * bound. Use it to compare runs and spot growth, not as the board's exact figure.
 */

const STRING_FIRST = 10;
const STRING_EXT = 12;
const NAME_INLINE = 4;
const FLAT_BLOCK = 16;

function stringVars(len: number): number {
  return 1 + Math.max(0, Math.ceil((len - STRING_FIRST) / STRING_EXT));
}

function nameVars(key: string): number {
  return 1 + Math.max(0, Math.ceil((key.length - NAME_INLINE) / STRING_EXT));
}

function tagOf(v: object): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}

/** Blocks for `v` and everything reachable from it that `seen` does not hold yet. */
export function estimateVars(v: unknown, seen: Set<unknown> = new Set()): number {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return 1;
  if (typeof v === "string") return stringVars(v.length);
  if (typeof v !== "object" && typeof v !== "function") return 1;
  if (seen.has(v)) return 0;
  seen.add(v);
  const o = v as any;
  const tag = tagOf(o);
  if (tag === "ArrayBuffer") return 2 + Math.ceil(o.byteLength / FLAT_BLOCK);
  if (ArrayBuffer.isView(o)) {
    const buf = o.buffer;
    if (seen.has(buf)) return 1;
    seen.add(buf);
    return 3 + Math.ceil(buf.byteLength / FLAT_BLOCK);
  }
  let n = 1;
  if (typeof o === "function") {
    const src = Function.prototype.toString.call(o);
    if (src.indexOf("[native code]") < 0) n += stringVars(src.length) + o.length;
  }
  let keys: string[];
  try {
    keys = Object.keys(o);
  } catch {
    return n;
  }
  for (const k of keys) {
    let child: unknown;
    try {
      child = o[k];
    } catch {
      child = undefined;
    }
    n += nameVars(k) + estimateVars(child, seen);
  }
  return n;
}
