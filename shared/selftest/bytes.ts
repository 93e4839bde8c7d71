/**
 * Golden-vector runner for shared/test/vectors/bytes.json, portable (docs/portability.md):
 * the same cases run in Node, in the Espruino bundle and in Lua 5.3, which is where the byte
 * helpers differ most (Lua's 64-bit integers do not wrap at 32 bits; its floats and integers
 * compare equal but print differently).
 *
 * Case kinds (field `op`):
 * - "hex": { hex, size, lower?, invalid? }: fromHex gives `size` bytes and toHex gives
 *   back `lower` (or `hex`); with `invalid`, fromHex must return undefined.
 * - "u32le" / "u53le": { bytes, value }: readU32/readU53 at offset 0 and 1 (behind a pad
 *   byte) give `value`, and writeU32/writeU53 of `value` give `bytes`.
 * - "u32", "u32shl", "u32not": { input, shift?, value }: u32(input), u32(input << shift),
 *   u32(~input) give `value`.
 */
import { concat, fromHex, readU32, readU53, toHex, u32, writeU32, writeU53 } from "../bytes";
import type { CaseResult } from "./types";

function fail(c: any, detail: string): CaseResult {
  return { name: c.name, ok: false, detail: detail };
}

function pass(c: any): CaseResult {
  return { name: c.name, ok: true, detail: "" };
}

function runHex(c: any): CaseResult {
  const b = fromHex(c.hex);
  if (c.invalid) return b === undefined ? pass(c) : fail(c, `fromHex("${c.hex}") accepted, want undefined`);
  if (b === undefined) return fail(c, `fromHex("${c.hex}") gave undefined`);
  if (b.length !== c.size) return fail(c, `fromHex gave ${b.length} bytes, want ${c.size}`);
  const want = c.lower !== undefined ? c.lower : c.hex;
  const back = toHex(b);
  return back === want ? pass(c) : fail(c, `toHex gave "${back}", want "${want}"`);
}

function runFixed(c: any, width: number): CaseResult {
  const b = fromHex(c.bytes);
  if (b === undefined || b.length !== width) return fail(c, `'bytes' must be ${width} bytes of hex`);
  // Offset 1 as well as 0, so an implementation that ignores `at` cannot pass.
  const padded = concat([fromHex("aa") as Uint8Array, b]);
  const read0 = width === 4 ? readU32(b, 0) : readU53(b, 0);
  const read1 = width === 4 ? readU32(padded, 1) : readU53(padded, 1);
  if (read0 !== c.value || read1 !== c.value) return fail(c, `read gave ${read0} and ${read1} (at 1), want ${c.value}`);
  const out = new Uint8Array(width + 1);
  if (width === 4) writeU32(out, 1, c.value);
  else writeU53(out, 1, c.value);
  const written = toHex(out);
  const want = "00" + c.bytes;
  return written === want ? pass(c) : fail(c, `write at 1 gave ${written}, want ${want}`);
}

function runU32(c: any): CaseResult {
  let got = 0;
  if (c.op === "u32") got = u32(c.input);
  else if (c.op === "u32shl") got = u32(c.input << c.shift);
  else got = u32(~c.input);
  return got === c.value ? pass(c) : fail(c, `${c.op} of ${c.input} gave ${got}, want ${c.value}`);
}

function runCase(c: any): CaseResult {
  if (c.op === "hex") return runHex(c);
  if (c.op === "u32le") return runFixed(c, 4);
  if (c.op === "u53le") return runFixed(c, 8);
  if (c.op === "u32" || c.op === "u32shl" || c.op === "u32not") return runU32(c);
  return fail(c, `unknown op "${c.op}"`);
}

/** Runs every case of bytes.json; never throws (an exception becomes a failed case). */
export function runBytesVectors(cases: any[]): CaseResult[] {
  const out: CaseResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    try {
      out.push(runCase(cases[i]));
    } catch (e: any) {
      out.push(fail(cases[i], `threw: ${e && e.message}`));
    }
  }
  return out;
}
