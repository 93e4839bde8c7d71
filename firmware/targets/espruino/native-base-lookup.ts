/**
 * The base-table lookup (shared/crypto/ed25519/base-lookup.ts) with the interpreter's own dot
 * product: the table's column layout puts limb i of the 8 multiples of a window side by side,
 * so keeping multiple |e| (or none) is E.convolve of a 0/1 vector with those 8 values, one
 * native call per limb and coordinate: 48 calls, 0.5 ms on the real desktop interpreter
 * against about 8 ms for the portable loops over 384 limbs (issue 9). The sign of e is in the
 * vectors too: for e < 0 the (y+x) limb takes the (y-x) entries and 2dxy is negated.
 *
 * The table's 16-bit limbs are read through a Uint16Array view of the decoded bytes, which
 * assumes a little-endian board: every Espruino target (ARM Cortex-M, Xtensa, x86) is.
 * `solkit build` swaps this module in on the espruino target (toolchain/firmware-profile.ts).
 */
import type { Niels } from "../../../shared/crypto/ed25519/point";

/** Selection vectors: [which (y+x) entry, which (y-x) entry] for y+x, the mirror for y-x, and ±1 for 2dxy. */
const forYpx = new Float64Array(16);
const forYmx = new Float64Array(16);
const forXy = new Float64Array(8);

/** n = e·T[j] for e in -8..8, reading every entry of window j of table `t` (no branch on e). */
export function lookupNiels(n: Niels, t: Uint8Array, j: number, e: number): void {
  // Window j: 16 limbs × 3 coordinates × 8 multiples of 16 bits (768 bytes). A view per
  // window keeps E.convolve's start-up walk to the offset short.
  const w = new Uint16Array(t.buffer, t.byteOffset + 768 * j, 384);
  const pos = Math.floor((e + 16) / 16); // 1 when e >= 0, 0 when e < 0
  const neg = 1 - pos;
  const abs = e * (pos - neg);
  const sign = pos - neg;
  for (let k = 1; k <= 8; k++) {
    const d = abs - k; // -8..7
    const hit = 1 - Math.floor((d * d + 63) / 64); // 1 when d = 0, else 0
    forYpx[k - 1] = pos * hit;
    forYpx[k + 7] = neg * hit;
    forYmx[k - 1] = neg * hit;
    forYmx[k + 7] = pos * hit;
    forXy[k - 1] = sign * hit;
  }
  const conv = E.convolve;
  const ypx = n.ypx;
  const ymx = n.ymx;
  const xy = n.xy2d;
  for (let i = 0; i < 16; i++) {
    const at = 24 * i;
    ypx[i] = conv(forYpx, w, at);
    ymx[i] = conv(forYmx, w, at);
    xy[i] = conv(forXy, w, at + 16);
  }
  // e = 0: the neutral element, (1, 1, 0) in Niels form.
  const zero = 1 - Math.floor((abs + 15) / 16);
  ypx[0] += zero;
  ymx[0] += zero;
}
