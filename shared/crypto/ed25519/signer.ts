/**
 * Ed25519 signing (RFC 8032 §5.1.6) in many small steps, so that an interpreter on a slow
 * board keeps its event loop (MQTT keepalive, serial, watchdog) running while it signs.
 *
 * The work is a fixed sequence of units whose cost in field multiplications does not depend
 * on the key or the message: hashing (cost 0), the base multiplications r·B (and a·B when
 * the public key is not given) unit by unit (base-mul.ts: 7, 8, 1 or 2 each), and the final
 * scalar arithmetic (cost 0). A `step()` runs units while the multiplications stay within
 * its budget, and always at least one unit, so a step never costs more than
 * max(budget, MAX_UNIT_COST) field multiplications.
 */
import { concat, slice } from "../../bytes";
import { SolkitError, expectLength } from "../../errors";
import { sha512 as defaultSha512 } from "../sha512";
import type { HashFn, Signer, SigningJob } from "../types";
import { BASE_MUL_UNITS, type BaseMulJob, baseMulDone, baseMulResult, baseMulStart, baseMulUnit, baseMulUnitCost, scalarMulBase } from "./base-mul";
import { clampScalar, scalarMulAdd, scalarReduce } from "./scalar";

/** Field multiplications per step when no budget is given: about four point additions. */
export const DEFAULT_BUDGET = 32;

/** The most expensive indivisible unit (a point doubling): a step may reach this even with a smaller budget. */
export const MAX_UNIT_COST = 8;

/** Options of `startSigning`. */
export interface SigningOptions {
  /** SHA-512 to use (e.g. Espruino's native one); the portable shared/crypto/sha512 by default. */
  sha512?: HashFn;
  /** Field multiplications per step (>= 1); DEFAULT_BUDGET when absent. */
  budget?: number;
  /** The 32-byte public key of `seed`, when known: saves a second base multiplication. */
  publicKey?: Uint8Array;
}

/** Cost of unit `u` of a job; `withKey` says whether a·B is part of it. */
function unitCost(u: number, withKey: boolean): number {
  if (u === 0) return 0;
  if (u <= BASE_MUL_UNITS) return baseMulUnitCost(u - 1);
  if (withKey && u <= 2 * BASE_MUL_UNITS) return baseMulUnitCost(u - 1 - BASE_MUL_UNITS);
  return 0;
}

/** Steps `step()` will take for the unit sequence: the same greedy packing, without the work. */
function countSteps(units: number, withKey: boolean, budget: number): number {
  let steps = 0;
  let u = 0;
  while (u < units) {
    let spent = 0;
    while (u < units) {
      const c = unitCost(u, withKey);
      if (spent > 0 && spent + c > budget) break;
      spent += c;
      u++;
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
  const units = 2 + BASE_MUL_UNITS * (withKey ? 2 : 1);
  const total = countSteps(units, withKey, budget);
  const secret = slice(seed, 0, 32);
  const msg = slice(message, 0, message.length);

  let u = 0;
  let steps = 0;
  let a: Uint8Array = new Uint8Array(0);
  let r: Uint8Array = new Uint8Array(0);
  let mulR: BaseMulJob | undefined = undefined;
  let mulA: BaseMulJob | undefined = undefined;
  let sig: Uint8Array | undefined = undefined;

  function runUnit(): void {
    if (u === 0) {
      // §5.1.6 steps 1-2: h = SHA512(seed), a = clamp(h[0..32]), r = SHA512(prefix || M) mod L.
      const h = hash(secret);
      a = clampScalar(h);
      r = scalarReduce(hash(concat([slice(h, 32, 64), msg])));
      mulR = baseMulStart(r);
      if (withKey) mulA = baseMulStart(a);
    } else if (u <= BASE_MUL_UNITS) {
      baseMulUnit(mulR as BaseMulJob); // §5.1.6 step 3: R = r·B
    } else if (withKey && u <= 2 * BASE_MUL_UNITS) {
      baseMulUnit(mulA as BaseMulJob); // §5.1.5: A = a·B
      if (u === 2 * BASE_MUL_UNITS) publicKey = baseMulResult(mulA as BaseMulJob);
    } else {
      // §5.1.6 steps 4-6: k = SHA512(R || A || M) mod L, S = (r + k·a) mod L, sig = R || S.
      const encR = baseMulResult(mulR as BaseMulJob);
      const k = scalarReduce(hash(concat([encR, publicKey as Uint8Array, msg])));
      sig = concat([encR, scalarMulAdd(r, k, a)]);
      a = new Uint8Array(0); // drop secrets held by the job
      r = new Uint8Array(0);
    }
    u++;
  }

  return {
    step(stepBudget?: number): boolean {
      if (u >= units) return true;
      const limit = stepBudget !== undefined && stepBudget >= 1 ? stepBudget : budget;
      let spent = 0;
      while (u < units) {
        const c = unitCost(u, withKey);
        if (spent > 0 && spent + c > limit) break;
        runUnit();
        spent += c;
      }
      steps++;
      return u >= units;
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
