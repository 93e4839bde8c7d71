/**
 * Exponentiation in GF(2^255 - 19) by fixed addition chains, runnable one field
 * multiplication at a time so that the incremental signer can spread an inversion over many
 * steps.
 *
 * The chains are those of ref10's fe_invert / fe_pow22523 (also in RFC 8032's reference
 * code's spirit): z^(p-2) = z^(2^255 - 21) costs 254 squarings + 11 multiplications = 265,
 * against tweetnacl's square-and-multiply inv25519 with 254 + 252 = 506.
 *
 * A program is a flat list of instructions [dst, src, n, m]:
 *   reg[dst] = reg[src]^(2^n) · reg[m]      (no multiplication when m < 0)
 * Register 0 holds the input; the result is in register 8.
 */
import { type Fe, fe, feCopy, feMul, feSquare } from "./field";

/** Common prefix: builds z^(2^250 - 1) in register 8 and z^11 in register 1. */
const PREFIX = [
  1, 0, 1, -1, // r1 = z^2
  2, 1, 2, 0, //  r2 = z^8 · z = z^9
  1, 1, 0, 2, //  r1 = z^2 · z^9 = z^11
  3, 1, 1, 2, //  r3 = z^22 · z^9 = z^(2^5 - 1)
  4, 3, 5, 3, //  r4 = z^(2^10 - 1)
  5, 4, 10, 4, // r5 = z^(2^20 - 1)
  6, 5, 20, 5, // r6 = z^(2^40 - 1)
  6, 6, 10, 4, // r6 = z^(2^50 - 1)
  7, 6, 50, 6, // r7 = z^(2^100 - 1)
  8, 7, 100, 7, // r8 = z^(2^200 - 1)
  8, 8, 50, 6, // r8 = z^(2^250 - 1)
];

function withTail(tail: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < PREFIX.length; i++) out.push(PREFIX[i]);
  for (let i = 0; i < tail.length; i++) out.push(tail[i]);
  return out;
}

/** z^(p-2) = 1/z: r8 = z^(2^255 - 32) · z^11. */
export const INVERT_CHAIN: number[] = withTail([8, 8, 5, 1]);

/** z^((p-5)/8) = z^(2^252 - 3), used by square roots in point decoding (RFC 8032 §5.1.3). */
export const POW2523_CHAIN: number[] = withTail([8, 8, 2, 0]);

/** Field multiplications a chain costs in all (each unit of `chainUnit` is exactly one). */
export function chainCost(prog: number[]): number {
  let n = 0;
  for (let i = 0; i < prog.length; i += 4) n += prog[i + 2] + (prog[i + 3] >= 0 ? 1 : 0);
  return n;
}

/** State of one exponentiation in progress. */
export interface ChainRun {
  prog: number[];
  regs: Fe[];
  /** Index of the current instruction. */
  pc: number;
  /** Squarings done within the current instruction. */
  sq: number;
}

/** A run of `prog` on input `z` (copied). */
export function chainStart(prog: number[], z: Fe): ChainRun {
  const regs: Fe[] = [];
  for (let i = 0; i < 9; i++) regs.push(fe(0));
  feCopy(regs[0], z);
  return { prog: prog, regs: regs, pc: 0, sq: 0 };
}

/** True when every instruction has run. */
export function chainDone(run: ChainRun): boolean {
  return run.pc * 4 >= run.prog.length;
}

/** Does exactly one squaring or multiplication of the chain; true when it is complete. */
export function chainUnit(run: ChainRun): boolean {
  if (chainDone(run)) return true;
  const at = run.pc * 4;
  const dst = run.regs[run.prog[at]];
  const src = run.regs[run.prog[at + 1]];
  const n = run.prog[at + 2];
  const m = run.prog[at + 3];
  if (run.sq < n) {
    feSquare(dst, run.sq === 0 ? src : dst);
    run.sq++;
    if (run.sq < n || m >= 0) return false;
  } else {
    feMul(dst, n === 0 ? src : dst, run.regs[m]);
  }
  run.pc++;
  run.sq = 0;
  return chainDone(run);
}

/** The result (register 8) once the chain is done. */
export function chainResult(run: ChainRun): Fe {
  return run.regs[8];
}

/** o = 1/z (mod p); 0 for z ≡ 0. Runs the whole chain at once. */
export function feInvert(o: Fe, z: Fe): void {
  const run = chainStart(INVERT_CHAIN, z);
  while (!chainUnit(run)) {
    // one multiplication per unit
  }
  feCopy(o, chainResult(run));
}

/** o = z^(2^252 - 3) (mod p). Runs the whole chain at once. */
export function fePow2523(o: Fe, z: Fe): void {
  const run = chainStart(POW2523_CHAIN, z);
  while (!chainUnit(run)) {
    // one multiplication per unit
  }
  feCopy(o, chainResult(run));
}
