/**
 * s·B for the fixed base point B over a table of 8 points: the "small" build profile's
 * stand-in for base-mul.ts, with the same exports and the same unit/step contract, so the
 * incremental signer (signer.ts) runs it unchanged. `solkit build` swaps it in on boards whose
 * Storage cannot hold the full table's 34 KB of text (toolchain/firmware-profile.ts).
 *
 * Method: signed radix-16 digits e[0..63] of s (scalar.ts `signedDigits`, s < 2^255), then
 * Horner's rule from the top digit: acc = 16·acc + e[i]·B, where e[i]·B comes from
 * base-table-small.ts (k·B for k = 1..8, 1 KB of text) by a lookup that reads all 8 entries
 * (base-lookup.ts; native on Espruino). Each digit is five units: four doublings (8 field
 * multiplications each) and a mixed addition (7). That is 64·39 = 2496 multiplications, then
 * the inversion (265) and the encoding (2): 2763 in all, against 747 with the full table and
 * 3825 + 267 for the double-and-add over 255 bits this replaced (issue 9: the small profile
 * signed at 2× tweetnacl's time on the real interpreter). Every unit costs at most 8, as in
 * base-mul.ts, so signer.ts's MAX_UNIT_COST still bounds a step.
 *
 * The work and the table reads never depend on the scalar; the encoding is canonical
 * (RFC 8032 §5.1.2), so signatures are byte-identical with the full profile's.
 */
import { lookupNiels } from "./base-lookup";
import { BASE_TABLE_SMALL_BASE64 } from "./base-table-small";
import { type ChainRun, INVERT_CHAIN, chainResult, chainStart, chainUnit } from "./chain";
import { fe } from "./field";
import { type Niels, type Point, pointAddNiels, pointDouble, pointIdentity, pointPackWithInverse } from "./point";
import { signedDigits } from "./scalar";
import { decodeTable } from "./table-decode";

/** Units per digit: four doublings, one addition. */
const PER_DIGIT = 5;

/** Units of one base multiplication: 64 digits, 265 inversion steps, 1 encoding. */
export const BASE_MUL_UNITS = 64 * PER_DIGIT + 265 + 1;

let table: Uint8Array | undefined = undefined;

/** k·B for k = 1..8 as bytes, decoded once on first use (768 bytes of RAM). */
function smallTable(): Uint8Array {
  if (table === undefined) table = decodeTable(BASE_TABLE_SMALL_BASE64);
  return table;
}

/** One base multiplication in progress. */
export interface BaseMulJob {
  digits: Int32Array;
  acc: Point;
  niels: Niels;
  /** Index of the next unit, 0..BASE_MUL_UNITS. */
  unit: number;
  inv: ChainRun | undefined;
  out: Uint8Array | undefined;
}

/** A job computing the encoding of s·B; s is 32 bytes little-endian with s < 2^255. */
export function baseMulStart(s: Uint8Array): BaseMulJob {
  return {
    digits: signedDigits(s),
    acc: pointIdentity(),
    niels: { ypx: fe(0), ymx: fe(0), xy2d: fe(0) },
    unit: 0,
    inv: undefined,
    out: undefined,
  };
}

/** Field multiplications unit `u` costs (the same for every scalar). 0 past the end. */
export function baseMulUnitCost(u: number): number {
  if (u < 64 * PER_DIGIT) return u % PER_DIGIT < 4 ? 8 : 7;
  if (u < 64 * PER_DIGIT + 265) return 1;
  if (u < BASE_MUL_UNITS) return 2;
  return 0;
}

/** True when the encoding is ready. */
export function baseMulDone(job: BaseMulJob): boolean {
  return job.unit >= BASE_MUL_UNITS;
}

/** Runs the next unit (costing `baseMulUnitCost(job.unit)` multiplications); true when done. */
export function baseMulUnit(job: BaseMulJob): boolean {
  const u = job.unit;
  if (u >= BASE_MUL_UNITS) return true;
  if (u < 64 * PER_DIGIT) {
    if (u % PER_DIGIT < 4) {
      pointDouble(job.acc);
    } else {
      const i = 63 - (u - 4) / PER_DIGIT; // digits from the top
      lookupNiels(job.niels, smallTable(), 0, job.digits[i]);
      pointAddNiels(job.acc, job.niels);
    }
  } else if (u < 64 * PER_DIGIT + 265) {
    if (job.inv === undefined) job.inv = chainStart(INVERT_CHAIN, job.acc.z);
    chainUnit(job.inv);
  } else {
    job.out = pointPackWithInverse(job.acc, chainResult(job.inv as ChainRun));
    for (let i = 0; i < 64; i++) job.digits[i] = 0; // the scalar is secret: drop it once done
  }
  job.unit = u + 1;
  return job.unit >= BASE_MUL_UNITS;
}

/** The 32-byte encoding of s·B once done. */
export function baseMulResult(job: BaseMulJob): Uint8Array {
  return job.out as Uint8Array;
}

/** The encoding of s·B, all at once (2763 field multiplications). */
export function scalarMulBase(s: Uint8Array): Uint8Array {
  const job = baseMulStart(s);
  while (!baseMulUnit(job)) {
    // next unit
  }
  return baseMulResult(job);
}
