/**
 * The table lookup of the base multiplications for the Lua build (replaces
 * shared/crypto/ed25519/base-lookup.ts; toolchain/nodemcu-target.ts swaps it in): the same
 * arithmetic, every entry of the window read, the wanted one kept by arithmetic — but the table
 * is a Lua string (lua-table-decode.ts), read two bytes at a time by solkit_u16.
 */
import { feSwap } from "../../../shared/crypto/ed25519/field";
import type { lookupNiels as portable } from "../../../shared/crypto/ed25519/base-lookup";
import type { Niels } from "../../../shared/crypto/ed25519/point";

/** n = e·T[j] for e in -8..8, reading every entry of window j of table `t` (no branch on e). */
export const lookupNiels: typeof portable = function (n: Niels, t: Uint8Array, j: number, e: number): void {
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
  for (let k = 1; k <= 8; k++) {
    const d = abs - k;
    const hit = 1 - Math.floor((d * d + 63) / 64); // 1 when d = 0, else 0
    let p = 2 * (384 * j + k - 1);
    for (let i = 0; i < 16; i++) {
      ypx[i] += hit * solkit_u16(t, p);
      ymx[i] += hit * solkit_u16(t, p + 16);
      xy[i] += hit * solkit_u16(t, p + 32);
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
};
