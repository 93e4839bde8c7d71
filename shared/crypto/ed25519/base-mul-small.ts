/**
 * s·B for the fixed base point B without the precomputed table: the "small" build profile's
 * stand-in for base-mul.ts, with the same exports and the same unit/step contract, so the
 * incremental signer (signer.ts) runs it unchanged. `solkit build` swaps it in on boards whose
 * Storage cannot hold the table's 34 KB of text (host/build/firmware-profile.ts).
 *
 * Method: double-and-add-always, most significant bit first, over the 255 bits of s
 * (s < 2^255). Each bit is two units: a doubling (8 field multiplications), then a mixed
 * addition of B in Niels form (7) whose result is kept or dropped by arithmetic on the bit
 * (feSelect), so the work never depends on the scalar. That is 255·15 = 3825 multiplications,
 * against 4608 for tweetnacl's ladder (two full additions per bit), then the inversion (265)
 * and the encoding (2): 4092 in all, against 747 with the table. Every unit costs at most 8,
 * as in base-mul.ts, so signer.ts's MAX_UNIT_COST still bounds a step.
 *
 * The encoding is canonical (RFC 8032 §5.1.2), so R = r·B encodes to the same 32 bytes as
 * with the table: signatures are byte-identical.
 */
import { type ChainRun, INVERT_CHAIN, chainResult, chainStart, chainUnit } from "./chain";
import { fe, feAdd, feMul, feSelect, feSub } from "./field";
import { BASE_X, BASE_Y, D2, type Niels, type Point, pointAddNiels, pointCopy, pointDouble, pointIdentity, pointPackWithInverse } from "./point";

/** Bits of a scalar that are processed (s < 2^255). */
const BITS = 255;

/** Units of one base multiplication: 2 per bit, 265 inversion steps, 1 encoding. */
export const BASE_MUL_UNITS = 2 * BITS + 265 + 1;

/** B in Niels form (y+x, y-x, 2·d·x·y), made once when the module loads (2 multiplications). */
function baseNiels(): Niels {
  const n: Niels = { ypx: fe(0), ymx: fe(0), xy2d: fe(0) };
  feAdd(n.ypx, BASE_Y, BASE_X);
  feSub(n.ymx, BASE_Y, BASE_X);
  feMul(n.xy2d, BASE_X, BASE_Y);
  feMul(n.xy2d, n.xy2d, D2);
  return n;
}

const BASE_NIELS: Niels = baseNiels();

/** One base multiplication in progress. */
export interface BaseMulJob {
  /** The scalar, 32 bytes little-endian. */
  s: Uint8Array;
  acc: Point;
  /** acc + B, kept or dropped per bit. */
  sum: Point;
  /** Index of the next unit, 0..BASE_MUL_UNITS. */
  unit: number;
  inv: ChainRun | undefined;
  out: Uint8Array | undefined;
}

/** A job computing the encoding of s·B; s is 32 bytes little-endian with s < 2^255. */
export function baseMulStart(s: Uint8Array): BaseMulJob {
  const copy = new Uint8Array(32);
  for (let i = 0; i < 32; i++) copy[i] = s[i];
  return { s: copy, acc: pointIdentity(), sum: pointIdentity(), unit: 0, inv: undefined, out: undefined };
}

/** Field multiplications unit `u` costs (the same for every scalar). 0 past the end. */
export function baseMulUnitCost(u: number): number {
  if (u < 2 * BITS) return u % 2 === 0 ? 8 : 7;
  if (u < 2 * BITS + 265) return 1;
  if (u < BASE_MUL_UNITS) return 2;
  return 0;
}

/** True when the encoding is ready. */
export function baseMulDone(job: BaseMulJob): boolean {
  return job.unit >= BASE_MUL_UNITS;
}

/** Bit `i` of the little-endian scalar `s`, 0 or 1. */
function bit(s: Uint8Array, i: number): number {
  return Math.floor(s[Math.floor(i / 8)] / Math.pow(2, i % 8)) % 2;
}

/** Runs the next unit (costing `baseMulUnitCost(job.unit)` multiplications); true when done. */
export function baseMulUnit(job: BaseMulJob): boolean {
  const u = job.unit;
  if (u >= BASE_MUL_UNITS) return true;
  if (u < 2 * BITS) {
    if (u % 2 === 0) {
      pointDouble(job.acc);
    } else {
      // acc = acc + b·B: always add, keep the sum only when the bit is set (no branch on it).
      const b = bit(job.s, BITS - 1 - (u - 1) / 2);
      const acc = job.acc;
      const sum = job.sum;
      pointCopy(sum, acc);
      pointAddNiels(sum, BASE_NIELS);
      feSelect(acc.x, sum.x, b);
      feSelect(acc.y, sum.y, b);
      feSelect(acc.z, sum.z, b);
      feSelect(acc.t, sum.t, b);
    }
  } else if (u < 2 * BITS + 265) {
    if (job.inv === undefined) job.inv = chainStart(INVERT_CHAIN, job.acc.z);
    chainUnit(job.inv);
  } else {
    job.out = pointPackWithInverse(job.acc, chainResult(job.inv as ChainRun));
    for (let i = 0; i < 32; i++) job.s[i] = 0; // the scalar is secret: drop it once done
  }
  job.unit = u + 1;
  return job.unit >= BASE_MUL_UNITS;
}

/** The 32-byte encoding of s·B once done. */
export function baseMulResult(job: BaseMulJob): Uint8Array {
  return job.out as Uint8Array;
}

/** The encoding of s·B, all at once (4092 field multiplications). */
export function scalarMulBase(s: Uint8Array): Uint8Array {
  const job = baseMulStart(s);
  while (!baseMulUnit(job)) {
    // next unit
  }
  return baseMulResult(job);
}
