/**
 * Ed25519 signing (RFC 8032 §5.1.6) in many small steps, so that an interpreter on a slow
 * board keeps its event loop (MQTT keepalive, serial, watchdog) running while it signs.
 *
 * The work is a fixed sequence of units whose cost, counted in field multiplications, does
 * not depend on the key or the message: hashing (1), the reduction of r mod L a few rows at a
 * time (SCALAR_UNIT_COST each), the base multiplications r·B (and a·B when the public key is
 * not given) unit by unit (base-mul.ts: 7, 8, 1 or 2 each), then k's hash and reduction and
 * S = r + k·a mod L, in rows too. A `step()` runs units while the cost stays within its
 * budget, and always at least one unit, so a step never costs more than
 * max(budget, MAX_UNIT_COST) field multiplications.
 *
 * Why the scalar arithmetic is cut in rows: in one piece, the last unit (hash, reduce,
 * multiply-add, reduce) blocked the real Espruino interpreter for 100 ms (issue 9).
 */
import { concat, slice } from "../../bytes";
import { SolkitError, expectLength } from "../../errors";
import { sha512 as defaultSha512 } from "../sha512";
import type { HashFn, Signer, SigningJob } from "../types";
import { BASE_MUL_UNITS, type BaseMulJob, baseMulDone, baseMulResult, baseMulStart, baseMulUnit, baseMulUnitCost, scalarMulBase } from "./base-mul";
import { MUL_ADD_ROWS, REDUCE_ROWS, clampScalar, mulAddRows, mulAddStart, reduceFinish, reduceRows, wideDigits } from "./scalar";

/** Field multiplications per step when no budget is given: about four point additions. */
export const DEFAULT_BUDGET = 32;

/** The most expensive indivisible unit (a point doubling): a step may reach this even with a smaller budget. */
export const MAX_UNIT_COST = 8;

/** Rows of the reduction mod L (or of the product k·a) per unit. */
const ROWS_PER_UNIT = 4;

/** Units of one reduction mod L: its rows, then the final carry. */
const REDUCE_UNITS = REDUCE_ROWS / ROWS_PER_UNIT + 1;

/** Units of the product k·a. */
const PRODUCT_UNITS = MUL_ADD_ROWS / ROWS_PER_UNIT;

/**
 * The cost of a unit of scalar arithmetic, in field multiplications: four rows take about as
 * long as two multiplications on the real Espruino interpreter (bench/real-espruino.ts).
 */
const SCALAR_UNIT_COST = 2;

/** The phases of a job, in order (index into `phaseUnits`). */
const HASH_R = 0;
const REDUCE_R = 1;
const MUL_R = 2;
const MUL_A = 3;
const HASH_K = 4;
const REDUCE_K = 5;
const PRODUCT = 6;
const REDUCE_S = 7;

/** Units of each phase; a·B is skipped when the public key is given. */
function phaseUnits(withKey: boolean): number[] {
  return [1, REDUCE_UNITS, BASE_MUL_UNITS, withKey ? BASE_MUL_UNITS : 0, 1, REDUCE_UNITS, PRODUCT_UNITS, REDUCE_UNITS];
}

/** Options of `startSigning`. */
export interface SigningOptions {
  /** SHA-512 to use (e.g. Espruino's native one); the portable shared/crypto/sha512 by default. */
  sha512?: HashFn;
  /** Field multiplications per step (>= 1); DEFAULT_BUDGET when absent. */
  budget?: number;
  /** The 32-byte public key of `seed`, when known: saves a second base multiplication. */
  publicKey?: Uint8Array;
}

/** Cost of unit `i` of phase `phase`. */
function unitCost(phase: number, i: number): number {
  if (phase === HASH_R || phase === HASH_K) return 1;
  if (phase === MUL_R || phase === MUL_A) return baseMulUnitCost(i);
  return SCALAR_UNIT_COST;
}

/** A position in the unit sequence: the phase and the unit within it. */
interface Cursor {
  phase: number;
  i: number;
}

/** Moves `at` to the next unit, skipping empty phases; phase = units.length at the end. */
function advance(at: Cursor, units: number[]): void {
  at.i++;
  while (at.phase < units.length && at.i >= units[at.phase]) {
    at.phase++;
    at.i = 0;
  }
}

/** Steps `step()` will take for the unit sequence: the same greedy packing, without the work. */
function countSteps(units: number[], budget: number): number {
  let steps = 0;
  const at: Cursor = { phase: 0, i: 0 };
  while (at.phase < units.length) {
    let spent = 0;
    while (at.phase < units.length) {
      const c = unitCost(at.phase, at.i);
      if (spent > 0 && spent + c > budget) break;
      spent += c;
      advance(at, units);
    }
    steps++;
  }
  return steps;
}

function checkBudget(budget: number | undefined): number {
  if (budget === undefined) return DEFAULT_BUDGET;
  if (typeof budget !== "number" || !(budget >= 1)) {
    throw new SolkitError("E_RANGE", `"budget" expected a number >= 1, got ${budget}`);
  }
  return budget;
}

/**
 * Starts an Ed25519 signature of `message` with the 32-byte secret `seed` (RFC 8032 §5.1.6).
 * The result equals tweetnacl's `sign.detached` byte for byte.
 * @throws SolkitError E_LENGTH when seed (or options.publicKey) is not 32 bytes
 * @throws SolkitError E_RANGE when options.budget is not a number >= 1
 */
export function startSigning(seed: Uint8Array, message: Uint8Array, options?: SigningOptions): SigningJob {
  expectLength("seed", seed, 32);
  const opts: SigningOptions = options === undefined ? {} : options;
  const budget = checkBudget(opts.budget);
  const hash: HashFn = opts.sha512 === undefined ? defaultSha512 : opts.sha512;
  let publicKey: Uint8Array | undefined = undefined;
  if (opts.publicKey !== undefined) {
    expectLength("publicKey", opts.publicKey, 32);
    publicKey = slice(opts.publicKey, 0, 32);
  }
  const withKey = publicKey === undefined;
  const units = phaseUnits(withKey);
  const total = countSteps(units, budget);
  const secret = slice(seed, 0, 32);
  const msg = slice(message, 0, message.length);

  const at: Cursor = { phase: 0, i: 0 };
  let steps = 0;
  let a: Uint8Array = new Uint8Array(0);
  let r: Uint8Array = new Uint8Array(0);
  let k: Uint8Array = new Uint8Array(0);
  let wide: Float64Array = new Float64Array(0);
  let mulR: BaseMulJob | undefined = undefined;
  let mulA: BaseMulJob | undefined = undefined;
  let sig: Uint8Array | undefined = undefined;

  /** One unit of a reduction mod L of `wide`; the reduced bytes on its last unit. */
  function reduceUnit(i: number): Uint8Array | undefined {
    if (i < REDUCE_UNITS - 1) {
      reduceRows(wide, i * ROWS_PER_UNIT, ROWS_PER_UNIT);
      return undefined;
    }
    return reduceFinish(wide);
  }

  function runUnit(): void {
    const i = at.i;
    switch (at.phase) {
      case HASH_R: {
        // §5.1.6 steps 1-2: h = SHA512(seed), a = clamp(h[0..32]), r = SHA512(prefix || M) mod L.
        const h = hash(secret);
        a = clampScalar(h);
        wide = wideDigits(hash(concat([slice(h, 32, 64), msg])));
        break;
      }
      case REDUCE_R: {
        const done = reduceUnit(i);
        if (done !== undefined) {
          r = done;
          mulR = baseMulStart(r);
          if (withKey) mulA = baseMulStart(a);
        }
        break;
      }
      case MUL_R:
        baseMulUnit(mulR as BaseMulJob); // §5.1.6 step 3: R = r·B
        break;
      case MUL_A:
        baseMulUnit(mulA as BaseMulJob); // §5.1.5: A = a·B
        if (i === BASE_MUL_UNITS - 1) publicKey = baseMulResult(mulA as BaseMulJob);
        break;
      case HASH_K:
        // §5.1.6 step 4: k = SHA512(R || A || M) mod L.
        wide = wideDigits(hash(concat([baseMulResult(mulR as BaseMulJob), publicKey as Uint8Array, msg])));
        break;
      case REDUCE_K: {
        const done = reduceUnit(i);
        if (done !== undefined) {
          k = done;
          wide = mulAddStart(r);
        }
        break;
      }
      case PRODUCT:
        // §5.1.6 step 5: S = (r + k·a) mod L, the product a few rows at a time.
        mulAddRows(wide, k, a, i * ROWS_PER_UNIT, ROWS_PER_UNIT);
        break;
      default: {
        const done = reduceUnit(i);
        if (done !== undefined) {
          sig = concat([baseMulResult(mulR as BaseMulJob), done]); // §5.1.6 step 6: R || S
          a = new Uint8Array(0); // drop secrets held by the job
          r = new Uint8Array(0);
          k = new Uint8Array(0);
          wide = new Float64Array(0);
        }
      }
    }
    advance(at, units);
  }

  return {
    step(stepBudget?: number): boolean {
      if (at.phase >= units.length) return true;
      const limit = stepBudget !== undefined && stepBudget >= 1 ? stepBudget : budget;
      let spent = 0;
      while (at.phase < units.length) {
        const c = unitCost(at.phase, at.i);
        if (spent > 0 && spent + c > limit) break;
        runUnit();
        spent += c;
      }
      steps++;
      return at.phase >= units.length;
    },
    progress(): { done: number; total: number } {
      return { done: steps, total: total };
    },
    signature(): Uint8Array {
      if (sig === undefined) throw new SolkitError("E_NOT_DONE", "signature() called before step() returned true");
      return slice(sig, 0, 64);
    },
  };
}

/**
 * The 32-byte public key of a 32-byte seed (RFC 8032 §5.1.5), all at once.
 * @throws SolkitError E_LENGTH when seed is not 32 bytes
 */
export function publicKeyFromSeed(seed: Uint8Array, sha512?: HashFn): Uint8Array {
  expectLength("seed", seed, 32);
  const hash: HashFn = sha512 === undefined ? defaultSha512 : sha512;
  return scalarMulBase(clampScalar(hash(seed)));
}

/** The public key of a seed, made in steps (provisioning on a slow board: issue 9). */
export interface KeyJob {
  /** Runs units worth at most `budget` field multiplications (at least one unit); true when done. */
  step(budget: number): boolean;
  /** @throws SolkitError E_NOT_DONE before step() has returned true */
  publicKey(): Uint8Array;
}

/**
 * Starts deriving the 32-byte public key of `seed` (RFC 8032 §5.1.5) unit by unit: the same
 * base multiplication as publicKeyFromSeed, which in one piece blocked the real Espruino
 * interpreter for 2.2 s (full profile) or 10.8 s (small) — longer than a board's watchdog
 * allows once a board is several times slower than the desktop.
 * @throws SolkitError E_LENGTH when seed is not 32 bytes
 */
export function startPublicKey(seed: Uint8Array, sha512?: HashFn): KeyJob {
  expectLength("seed", seed, 32);
  const hash: HashFn = sha512 === undefined ? defaultSha512 : sha512;
  const job = baseMulStart(clampScalar(hash(seed)));
  return {
    step(budget: number): boolean {
      let spent = 0;
      while (!baseMulDone(job)) {
        const c = baseMulUnitCost(job.unit);
        if (spent > 0 && spent + c > budget) break;
        baseMulUnit(job);
        spent += c;
      }
      return baseMulDone(job);
    },
    publicKey(): Uint8Array {
      if (!baseMulDone(job)) throw new SolkitError("E_NOT_DONE", "publicKey() called before step() returned true");
      return slice(baseMulResult(job), 0, 32);
    },
  };
}

/**
 * A whole signature at once (a job run to completion in one step).
 * @throws SolkitError E_LENGTH when seed (or publicKey) is not 32 bytes
 */
export function signNow(seed: Uint8Array, message: Uint8Array, sha512?: HashFn, publicKey?: Uint8Array): Uint8Array {
  const job = startSigning(seed, message, { sha512: sha512, budget: Infinity, publicKey: publicKey });
  while (!job.step()) {
    // a single step does it all with an infinite budget
  }
  return job.signature();
}

/** A Signer that also signs in steps, with the public key computed once. */
export interface StepSigner extends Signer {
  /** A job for `message`, the cached public key included. @throws SolkitError E_RANGE on a bad budget */
  startSigning(message: Uint8Array, budget?: number): SigningJob;
}

/**
 * A Signer for `seed`: derives the public key once (one base multiplication) and reuses it,
 * so each signature costs one base multiplication.
 * @throws SolkitError E_LENGTH when seed is not 32 bytes
 */
export function createSigner(seed: Uint8Array, sha512?: HashFn): StepSigner {
  const secret = slice(seed, 0, seed.length);
  const publicKey = publicKeyFromSeed(secret, sha512);
  return {
    publicKey: publicKey,
    sign(message: Uint8Array): Uint8Array {
      return signNow(secret, message, sha512, publicKey);
    },
    startSigning(message: Uint8Array, budget?: number): SigningJob {
      return startSigning(secret, message, { sha512: sha512, budget: budget, publicKey: publicKey });
    },
  };
}
