/**
 * "Did you mean" for board ids, pin names and field names: the candidate with the smallest edit
 * distance, when it is close enough to be a likely typo.
 */

/** Levenshtein distance between two strings (case-insensitive). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
    }
    prev = row;
  }
  return prev[y.length];
}

/**
 * The closest candidate, or undefined when none is within a third of the word's length (at
 * least 1, at most 3 edits) of the candidate or of its start: "esp33" → "esp32-devkitc".
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestWhole = Infinity;
  for (const c of candidates) {
    // People type the short name ("esp33" for "esp32-devkitc"): also compare with the candidate's
    // prefix of the word's length.
    const prefix = word.length >= 3 && c.length > word.length ? editDistance(word, c.slice(0, word.length)) : Infinity;
    const whole = editDistance(word, c);
    const d = Math.min(whole, prefix);
    // On a tie the whole id wins over a prefix: "rpi5" → "rpi4", not "rpi-zero-2w".
    if (d < bestDistance || (d === bestDistance && whole < bestWhole)) {
      best = c;
      bestDistance = d;
      bestWhole = whole;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
