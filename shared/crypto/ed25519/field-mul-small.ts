/**
 * The compact field multiplication of the "small" build profile: the same arithmetic as the
 * generated, unrolled field-mul.ts (tweetnacl's schoolbook product over 16-bit limbs, folded
 * with 2^256 ≡ 38 and carried twice), written as loops.
 *
 * Why both: Espruino keeps a board's code in the same Storage as its data, and the unrolled
 * file is about 11 KB of the bundle where this one is a few hundred bytes; the unrolled one
 * runs about 2.5 times faster on an interpreter (scripts/gen-ed25519-field-mul.ts). `solkit
 * build` swaps this module in for field-mul.ts on boards whose Storage cannot afford the
 * unrolled one (toolchain/firmware-profile.ts). Results are equal limb for limb
 * (test/shared/crypto/ed25519/small-profile.test.ts), so signatures are byte-identical.
 *
 * Portable (docs/portability.md): only +, *, Math.floor on typed arrays.
 */

/** The 31 column sums of one product (module scratch: a multiplication never re-enters). */
const cols = new Float64Array(31);

/** o = a·b mod p (limbs carried twice); o may alias a or b (inputs are read before o is written). */
export function mulLimbs(o: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let k = 0; k < 31; k++) cols[k] = 0;
  for (let i = 0; i < 16; i++) {
    const v = a[i];
    for (let j = 0; j < 16; j++) cols[i + j] += v * b[j];
  }
  // Column 16 + k weighs 2^256 · 2^(16k) ≡ 38 · 2^(16k) (mod p).
  for (let k = 0; k < 15; k++) cols[k] += 38 * cols[k + 16];
  for (let pass = 0; pass < 2; pass++) {
    // tweetnacl car25519: limbs to 0..65535, the carry out of limb 15 folded back times 38.
    let c = 1;
    for (let k = 0; k < 16; k++) {
      const v = cols[k] + c + 65535;
      c = Math.floor(v / 65536);
      cols[k] = v - c * 65536;
    }
    cols[0] += 38 * (c - 1);
  }
  for (let k = 0; k < 16; k++) o[k] = cols[k];
}

/** o = a² mod p: the general product (the unrolled file's 136-product squaring is not worth its bytes here). */
export function squareLimbs(o: Float64Array, a: Float64Array): void {
  mulLimbs(o, a, a);
}
