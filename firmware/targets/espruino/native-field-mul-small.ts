/**
 * native-field-mul.ts in loops: the same arithmetic with E.convolve (see there for why it is
 * exact and what the limbs end in), a few hundred bytes instead of about 1.5 KB. 0.8 ms per
 * multiplication on the real desktop interpreter against 0.41 ms unrolled and 4.4 ms for the
 * portable loops (issue 9). `solkit build` swaps it in on the espruino target for the "tiny"
 * profile, whose boards (the Espruino Pico) have the least Storage for code.
 */
import { SolkitError } from "../../../shared/errors";

if (typeof E.convolve !== "function") throw new SolkitError("E_UNSUPPORTED", "this Espruino build has no E.convolve (SAVE_ON_FLASH)");

/** b reversed, then 38·b reversed; the carried columns (module scratch: never re-entered). */
const W = new Float64Array(32);
const T = new Float64Array(16);

/** o = a·b mod p; o may alias a or b. */
export function mulLimbs(o: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 16; i++) {
    W[15 - i] = b[i];
    W[31 - i] = 38 * b[i];
  }
  let c = 1;
  let v = 0;
  for (let k = 0; k < 16; k++) {
    v = E.convolve(a, W, 15 - k) + c + 65535;
    c = Math.floor(v / 65536);
    T[k] = v - c * 65536;
  }
  v = T[0] + 38 * (c - 1);
  c = Math.floor(v / 65536);
  T[0] = v - c * 65536;
  T[1] += c;
  o.set(T);
}

/** o = a² mod p. */
export function squareLimbs(o: Float64Array, a: Float64Array): void {
  mulLimbs(o, a, a);
}
