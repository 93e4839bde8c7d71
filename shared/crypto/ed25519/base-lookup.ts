/**
 * The table lookup of the fixed-window base multiplications (base-mul.ts, base-mul-small.ts):
 * n = e·T[j] for a signed digit e in -8..8, where T[j][k] = k·256^j·B (base-table.ts, or
 * window 0 alone in base-table-small.ts; the column layout of scripts/gen-ed25519-table.ts).
 *
 * Each lookup reads all 8 entries of its window and keeps the wanted one by arithmetic (no
 * secret-dependent index or branch in our code; an interpreter gives no stronger promise).
 * A module of its own so that a target can swap in a native one: on Espruino the dot product
 * over the 8 entries is E.convolve (firmware/targets/espruino/native-base-lookup.ts), 15×
 * faster than these loops on the real interpreter (issue 9).
 */
import { feSwap } from "./field";
import type { Niels } from "./point";
import { tableU16 } from "./table-read";

/** n = e·T[j] for e in -8..8, reading every entry of window j of table `t` (no branch on e). */
export function lookupNiels(n: Niels, t: Uint8Array, j: number, e: number): void {
  const ypx = n.ypx;
  const ymx = n.ymx;
  const xy = n.xy2d;
  const pos = Math.floor((e + 16) / 16); // 1 when e >= 0, 0 when e < 0
  const neg = 1 - pos;
  const abs = e * (pos - neg);
  for (let i = 0; i < 16; i++) {
    ypx[i] = 0;
    ymx[i] = 0;
    xy[i] = 0;
  }
  // At most one entry has hit = 1; each adds hit · entry, so the sum is the entry or zero.
  for (let k = 1; k <= 8; k++) {
    const d = abs - k; // -8..7
    const hit = 1 - Math.floor((d * d + 63) / 64); // 1 when d = 0, else 0
    // Limb i of coordinate f of entry k sits at byte 2·(((16j + i)·3 + f)·8 + k - 1).
    let p = 2 * (384 * j + k - 1);
    for (let i = 0; i < 16; i++) {
      ypx[i] += hit * tableU16(t, p);
      ymx[i] += hit * tableU16(t, p + 16);
      xy[i] += hit * tableU16(t, p + 32);
      p += 48;
    }
  }
  // e = 0: the neutral element, (1, 1, 0) in Niels form.
  const zero = 1 - Math.floor((abs + 15) / 16);
  ypx[0] += zero;
  ymx[0] += zero;
  // -(x, y) = (-x, y): swap y+x with y-x and negate 2dxy.
  feSwap(ypx, ymx, neg);
  const sign = 1 - 2 * neg;
  for (let i = 0; i < 16; i++) xy[i] = xy[i] * sign;
}
