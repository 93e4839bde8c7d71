/**
 * s·B for the fixed base point B, by a signed radix-16 fixed window over a precomputed table
 * (ref10's ge_scalarmult_base), runnable in small units for the incremental signer.
 *
 * s = Σ e[i]·16^i with e[i] in -8..8 (scalar.ts `signedDigits`). With T[j][k] = k·256^j·B
 * (base-table.ts, k = 1..8):
 *   s·B = 16 · Σ_odd i e[i]·T[(i-1)/2]  +  Σ_even i e[i]·T[i/2]
 * so one multiplication costs 64 mixed additions (7 field multiplications each), 4 doublings
 * (8 each) and one encoding (inversion 265 + 2): 747 field multiplications, against 4608 + 508
 * for tweetnacl's 256-step ladder and its inversion.
 *
 * Each lookup reads all 8 entries of its window and keeps the wanted one by arithmetic
 * (base-lookup.ts).
 */
import { lookupNiels } from "./base-lookup";
import { loadBaseTable } from "./base-table-load";
import { type ChainRun, INVERT_CHAIN, chainResult, chainStart, chainUnit } from "./chain";
import { fe } from "./field";
import { type Niels, type Point, pointAddNiels, pointDouble, pointIdentity, pointPackWithInverse } from "./point";
import { signedDigits } from "./scalar";

let table: Uint8Array | undefined = undefined;

/** The table as bytes, loaded once on first use (24576 bytes of RAM). */
export function baseTable(): Uint8Array {
  if (table === undefined) table = loadBaseTable();
  return table;
}

/** Units of one base multiplication: 32 + 4 + 32 table steps, 265 inversion steps, 1 encoding. */
export const BASE_MUL_UNITS = 32 + 4 + 32 + 265 + 1;

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
  if (u < 32) return 7;
  if (u < 36) return 8;
  if (u < 68) return 7;
  if (u < 68 + 265) return 1;
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
  if (u < 32) {
    lookupNiels(job.niels, baseTable(), u, job.digits[2 * u + 1]);
    pointAddNiels(job.acc, job.niels);
  } else if (u < 36) {
    pointDouble(job.acc);
  } else if (u < 68) {
    lookupNiels(job.niels, baseTable(), u - 36, job.digits[2 * (u - 36)]);
    pointAddNiels(job.acc, job.niels);
  } else if (u < 68 + 265) {
    if (job.inv === undefined) job.inv = chainStart(INVERT_CHAIN, job.acc.z);
    chainUnit(job.inv);
  } else {
    job.out = pointPackWithInverse(job.acc, chainResult(job.inv as ChainRun));
  }
  job.unit = u + 1;
  return job.unit >= BASE_MUL_UNITS;
}

/** The 32-byte encoding of s·B once done. */
export function baseMulResult(job: BaseMulJob): Uint8Array {
  return job.out as Uint8Array;
}

/** The encoding of s·B, all at once (747 field multiplications). */
export function scalarMulBase(s: Uint8Array): Uint8Array {
  const job = baseMulStart(s);
  while (!baseMulUnit(job)) {
    // next unit
  }
  return baseMulResult(job);
}
