/**
 * Field multiplication in GF(2^255 - 19) with the interpreter's own dot product: on Espruino,
 * `E.convolve(a, w, off)` = Σ a[i]·w[(i + off) mod w.length] is native C over doubles, and
 * does the 256 limb products of a multiplication in 16 calls. On the real desktop interpreter
 * one multiplication takes 0.41 ms against 1.26 ms for the unrolled portable one (field-mul.ts)
 * and 4.4 ms for the looped one (field-mul-small.ts) (issue 9). `solkit build` swaps it in for
 * both on the espruino target (toolchain/firmware-profile.ts).
 *
 * Same 16 limbs of 16 bits as field.ts. With w = [b15 … b0, 38·b15 … 38·b0], column k of the
 * product, folded with 2^256 ≡ 38, is conv(a, w, 15 - k):
 *   Σ_{i≤k} a_i·b_{k-i} + 38·Σ_{i>k} a_i·b_{k-i+16}.
 * Every column is an exact integer in a double: inputs are the outputs of a few feAdd/feSub
 * (|limb| < 2^19), so |column| < 16·38·2^38 < 2^48 < 2^53, and E.convolve sums in doubles
 * (JsVarFloat) in order. One full carry pass, then the carry out of limb 15 folded into limb 0
 * and carried once more into limb 1: limbs end in 0..65535 except limb 1 (-2^15 < limb < 2^17,
 * negative when the inputs' negative limbs made the column sums negative), which field.ts's
 * operations and its packing accept (fePack carries three times before it reduces).
 *
 * E.convolve is absent from Espruino builds made with SAVE_ON_FLASH (none of solkit's boards,
 * checked in their board definitions); such a build stops here at load with E_UNSUPPORTED.
 */
import { SolkitError } from "../../../shared/errors";

if (typeof E.convolve !== "function") throw new SolkitError("E_UNSUPPORTED", "this Espruino build has no E.convolve (SAVE_ON_FLASH)");

const conv = E.convolve;
const floor = Math.floor;
/** b reversed, then 38·b reversed (module scratch: a multiplication never re-enters). */
const W = new Float64Array(32);
/** The carried columns, copied to o at the end (o may alias a or b). */
const T = new Float64Array(16);

/** o = a·b mod p; o may alias a or b. */
export function mulLimbs(o: Float64Array, a: Float64Array, b: Float64Array): void {
  W[15] = b[0];
  W[14] = b[1];
  W[13] = b[2];
  W[12] = b[3];
  W[11] = b[4];
  W[10] = b[5];
  W[9] = b[6];
  W[8] = b[7];
  W[7] = b[8];
  W[6] = b[9];
  W[5] = b[10];
  W[4] = b[11];
  W[3] = b[12];
  W[2] = b[13];
  W[1] = b[14];
  W[0] = b[15];
  W[31] = 38 * b[0];
  W[30] = 38 * b[1];
  W[29] = 38 * b[2];
  W[28] = 38 * b[3];
  W[27] = 38 * b[4];
  W[26] = 38 * b[5];
  W[25] = 38 * b[6];
  W[24] = 38 * b[7];
  W[23] = 38 * b[8];
  W[22] = 38 * b[9];
  W[21] = 38 * b[10];
  W[20] = 38 * b[11];
  W[19] = 38 * b[12];
  W[18] = 38 * b[13];
  W[17] = 38 * b[14];
  W[16] = 38 * b[15];
  let c = 1;
  let v = 0;
  v = conv(a, W, 15) + c + 65535; c = floor(v / 65536); T[0] = v - c * 65536;
  v = conv(a, W, 14) + c + 65535; c = floor(v / 65536); T[1] = v - c * 65536;
  v = conv(a, W, 13) + c + 65535; c = floor(v / 65536); T[2] = v - c * 65536;
  v = conv(a, W, 12) + c + 65535; c = floor(v / 65536); T[3] = v - c * 65536;
  v = conv(a, W, 11) + c + 65535; c = floor(v / 65536); T[4] = v - c * 65536;
  v = conv(a, W, 10) + c + 65535; c = floor(v / 65536); T[5] = v - c * 65536;
  v = conv(a, W, 9) + c + 65535; c = floor(v / 65536); T[6] = v - c * 65536;
  v = conv(a, W, 8) + c + 65535; c = floor(v / 65536); T[7] = v - c * 65536;
  v = conv(a, W, 7) + c + 65535; c = floor(v / 65536); T[8] = v - c * 65536;
  v = conv(a, W, 6) + c + 65535; c = floor(v / 65536); T[9] = v - c * 65536;
  v = conv(a, W, 5) + c + 65535; c = floor(v / 65536); T[10] = v - c * 65536;
  v = conv(a, W, 4) + c + 65535; c = floor(v / 65536); T[11] = v - c * 65536;
  v = conv(a, W, 3) + c + 65535; c = floor(v / 65536); T[12] = v - c * 65536;
  v = conv(a, W, 2) + c + 65535; c = floor(v / 65536); T[13] = v - c * 65536;
  v = conv(a, W, 1) + c + 65535; c = floor(v / 65536); T[14] = v - c * 65536;
  v = conv(a, W, 0) + c + 65535; c = floor(v / 65536); T[15] = v - c * 65536;
  v = T[0] + 38 * (c - 1);
  c = floor(v / 65536);
  T[0] = v - c * 65536;
  T[1] += c;
  o.set(T);
}

/** o = a² mod p (the same 16 native calls: a squaring saves nothing here). */
export function squareLimbs(o: Float64Array, a: Float64Array): void {
  mulLimbs(o, a, a);
}
