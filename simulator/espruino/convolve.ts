/**
 * E.convolve as src/jswrap_espruino.c computes it: Σ a[i]·b[(i + offset) mod b.length] over
 * the elements of a, summed in doubles in that order (the same rounding as the C loop).
 */
export function convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number {
  const l = b.length;
  let at = Math.trunc(offset) % l;
  if (at < 0) at += l;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += Number(a[i]) * Number(b[at]);
    if (++at === l) at = 0;
  }
  return sum;
}
