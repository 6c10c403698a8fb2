/** Edit distance (Levenshtein) between two short words. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The closest candidate when it is close enough to be a likely typo (case ignored). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (!best || score < best.score) best = { candidate, score };
  }
  const tolerance = Math.max(2, Math.ceil(word.length / 3));
  return best && best.score <= tolerance ? best.candidate : undefined;
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = closest(word, candidates);
  return match ? `; did you mean '${match}'?` : '';
}

/** `'a', 'b' or 'c'` */
export function oneOf(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** `unknown service 'x' in topology 't'; did you mean 'y'? (known: a, b)` */
export function unknownName(kind: string, name: string, candidates: readonly string[], where = ''): string {
  return `unknown ${kind} '${name}'${where}${didYouMean(name, candidates)} (known: ${candidates.join(', ') || 'none'})`;
}
