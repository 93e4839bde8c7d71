/**
 * Points of edwards25519 (RFC 8032 §5.1): -x² + y² = 1 + d·x²·y², in extended homogeneous
 * coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, x·y = T/Z (Hisil–Wong–Carter–Dawson 2008,
 * "Twisted Edwards curves revisited", the formulas RFC 8032 §5.1.4 gives).
 *
 * Field-multiplication costs (the unit the signer budgets by): `pointAdd` 9, `pointDouble` 8,
 * `pointAddNiels` 7, `pointPack` 265 (inversion) + 2.
 */
import { INVERT_CHAIN, chainResult, chainStart, chainUnit } from "./chain";
import { type Fe, fe, feAdd, feCopy, feFromLimbs, feMul, fePack, feParity, feSquare, feSub, feSwap } from "./field";

/** d = -121665/121666 (RFC 8032 §5.1), limbs as in tweetnacl. */
export const D: Fe = feFromLimbs([0x78a3, 0x1359, 0x4dca, 0x75eb, 0xd8ab, 0x4141, 0x0a4d, 0x0070, 0xe898, 0x7779, 0x4079, 0x8cc7, 0xfe73, 0x2b6f, 0x6cee, 0x5203]);
/** 2·d. */
export const D2: Fe = feFromLimbs([0xf159, 0x26b2, 0x9b94, 0xebd6, 0xb156, 0x8283, 0x149a, 0x00e0, 0xd130, 0xeef3, 0x80f2, 0x198e, 0xfce7, 0x56df, 0xd9dc, 0x2406]);
/** x of the base point B (RFC 8032 §5.1). */
export const BASE_X: Fe = feFromLimbs([0xd51a, 0x8f25, 0x2d60, 0xc956, 0xa7b2, 0x9525, 0xc760, 0x692c, 0xdc5c, 0xfdd6, 0xe231, 0xc0a4, 0x53fe, 0xcd6e, 0x36d3, 0x2169]);
/** y of the base point B = 4/5. */
export const BASE_Y: Fe = feFromLimbs([0x6658, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666]);

/** A point in extended coordinates. */
export interface Point {
  x: Fe;
  y: Fe;
  z: Fe;
  t: Fe;
}

/**
 * An affine point in "Niels" form (y+x, y-x, 2·d·x·y), ready for a 7-multiplication mixed
 * addition; the precomputed base-point table holds these.
 */
export interface Niels {
  ypx: Fe;
  ymx: Fe;
  xy2d: Fe;
}

/** The neutral element (0, 1). */
export function pointIdentity(): Point {
  return { x: fe(0), y: fe(1), z: fe(1), t: fe(0) };
}

/** The base point B. */
export function pointBase(): Point {
  const p = { x: fe(0), y: fe(0), z: fe(1), t: fe(0) };
  feCopy(p.x, BASE_X);
  feCopy(p.y, BASE_Y);
  feMul(p.t, BASE_X, BASE_Y);
  return p;
}

/** o = p. */
export function pointCopy(o: Point, p: Point): void {
  feCopy(o.x, p.x);
  feCopy(o.y, p.y);
  feCopy(o.z, p.z);
  feCopy(o.t, p.t);
}

/** Swaps p and q when b = 1 (no branch; tweetnacl cswap). */
export function pointSwap(p: Point, q: Point, b: number): void {
  feSwap(p.x, q.x, b);
  feSwap(p.y, q.y, b);
  feSwap(p.z, q.z, b);
  feSwap(p.t, q.t, b);
}

const ta = fe(0);
const tb = fe(0);
const tc = fe(0);
const td = fe(0);
const te = fe(0);
const tf = fe(0);
const tg = fe(0);
const th = fe(0);

/** Shared tail of the additions: p = (E·F, G·H, F·G, E·H) from A, B, C, D (4 multiplications). */
function finish(p: Point, a: Fe, b: Fe, c: Fe, d: Fe): void {
  feSub(te, b, a);
  feSub(tf, d, c);
  feAdd(tg, d, c);
  feAdd(th, b, a);
  feMul(p.x, te, tf);
  feMul(p.y, th, tg);
  feMul(p.z, tg, tf);
  feMul(p.t, te, th);
}

/** p = p + q, complete unified addition (add-2008-hwcd-3, as tweetnacl `add`): 9 multiplications. */
export function pointAdd(p: Point, q: Point): void {
  feSub(ta, p.y, p.x);
  feSub(th, q.y, q.x);
  feMul(ta, ta, th);
  feAdd(tb, p.x, p.y);
  feAdd(th, q.x, q.y);
  feMul(tb, tb, th);
  feMul(tc, p.t, q.t);
  feMul(tc, tc, D2);
  feMul(td, p.z, q.z);
  feAdd(td, td, td);
  finish(p, ta, tb, tc, td);
}

/** p = p + n for an affine Niels point n (Z = 1): 7 multiplications. Complete, as pointAdd. */
export function pointAddNiels(p: Point, n: Niels): void {
  feSub(ta, p.y, p.x);
  feMul(ta, ta, n.ymx);
  feAdd(tb, p.y, p.x);
  feMul(tb, tb, n.ypx);
  feMul(tc, p.t, n.xy2d);
  feAdd(td, p.z, p.z);
  finish(p, ta, tb, tc, td);
}

/** p = 2·p (dbl-2008-hwcd with a = -1, RFC 8032 §5.1.4): 4 squarings + 4 multiplications. */
export function pointDouble(p: Point): void {
  feSquare(ta, p.x); // A = X²
  feSquare(tb, p.y); // B = Y²
  feSquare(tc, p.z);
  feAdd(tc, tc, tc); // C = 2·Z²
  feAdd(td, p.x, p.y);
  feSquare(td, td); // (X+Y)²
  feAdd(th, ta, tb); // H = A + B
  feSub(te, th, td); // E = H - (X+Y)²
  feSub(tg, ta, tb); // G = A - B
  feAdd(tf, tc, tg); // F = C + G
  feMul(p.x, te, tf);
  feMul(p.y, tg, th);
  feMul(p.t, te, th);
  feMul(p.z, tf, tg);
}

/** Encoding of p given zi = 1/Z (RFC 8032 §5.1.2): y with the parity of x in the top bit. 2 multiplications. */
export function pointPackWithInverse(p: Point, zi: Fe): Uint8Array {
  const x = fe(0);
  const y = fe(0);
  feMul(x, p.x, zi);
  feMul(y, p.y, zi);
  const out = fePack(y);
  out[31] += 128 * feParity(x);
  return out;
}

/** Encoding of p (RFC 8032 §5.1.2). 267 multiplications. */
export function pointPack(p: Point): Uint8Array {
  const run = chainStart(INVERT_CHAIN, p.z);
  while (!chainUnit(run)) {
    // one multiplication per unit
  }
  return pointPackWithInverse(p, chainResult(run));
}

/**
 * s·q by tweetnacl's ladder (256 steps, two full additions each: 4608 multiplications).
 * The plain reference the table method is tested against; `s` is 32 bytes little-endian.
 */
export function scalarMulLadder(s: Uint8Array, q0: Point): Point {
  const p = pointIdentity();
  const q = pointIdentity();
  pointCopy(q, q0);
  for (let i = 255; i >= 0; i--) {
    const byte = s[Math.floor(i / 8)];
    const b = Math.floor(byte / Math.pow(2, i % 8)) % 2;
    pointSwap(p, q, b);
    pointAdd(q, p);
    pointAdd(p, p);
    pointSwap(p, q, b);
  }
  return p;
}
