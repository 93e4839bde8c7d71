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

/**
 * The same function as source, for compiling inside a board's own vm context: called from the
 * firmware's field multiplication thousands of times per signature, a host function costs a
 * cross-context call and sees typed arrays of every board's realm (megamorphic: measured at a
 * quarter of a 100-board fleet's time). Compiled in the context it is the board's own code;
 * it reads no globals when called (a context's global object is behind interceptors: slow).
 */
export const CONVOLVE_SOURCE = `(function (trunc) {
  return function convolve(a, b, offset) {
    var l = b.length, at = trunc(offset) % l, sum = 0;
    if (at < 0) at += l;
    for (var i = 0; i < a.length; i++) {
      sum += +a[i] * +b[at];
      if (++at === l) at = 0;
    }
    return sum;
  };
})(Math.trunc)`;
