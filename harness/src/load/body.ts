import { seededUint32 } from './random.ts';

/** Produces the request body of request number `seq` (0-based), or undefined when there is none. */
export type BodyRenderer = (seq: number) => string | undefined;

const PLACEHOLDER = /\{\{(seq|rand|cycle:(\d+))\}\}/g;

/** One placeholder: the request number, a seeded random number, or 1 + seq mod N. */
type Token = { kind: 'seq' } | { kind: 'rand' } | { kind: 'cycle'; period: number };

/**
 * Compiles `body` (any JSON value) once: serialised to JSON and split around the `{{seq}}`,
 * `{{rand}}` and `{{cycle:N}}` placeholders in its strings, so rendering a request is a join of
 * a few pieces. `{{seq}}` becomes the request number, `{{rand}}` a seeded random unsigned 32-bit
 * integer and `{{cycle:N}}` 1 + seq mod N (a fixed set of ids, e.g. `p-{{cycle:20}}` for
 * p-1…p-20 in turn), all as decimal digits inside the string (digits need no JSON escaping, and
 * the value stays a string). A body without placeholders is serialised once and shared.
 */
export function compileBody(body: unknown, seed: number): BodyRenderer {
  if (body === undefined) return () => undefined;
  const json = JSON.stringify(body);
  const literals: string[] = [];
  const tokens: Token[] = [];
  let last = 0;
  for (const match of json.matchAll(PLACEHOLDER)) {
    literals.push(json.slice(last, match.index));
    const period = match[2] === undefined ? 0 : Math.max(1, Number(match[2]));
    tokens.push(match[2] !== undefined ? { kind: 'cycle', period } : { kind: match[1] as 'seq' | 'rand' });
    last = match.index + match[0].length;
  }
  if (tokens.length === 0) return () => json;
  literals.push(json.slice(last));
  return (seq) => {
    let out = literals[0]!;
    let randSlot = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'seq') out += String(seq);
      else if (token.kind === 'cycle') out += String(1 + (seq % token.period));
      else out += String(seededUint32(seed, seq, randSlot++));
      out += literals[i + 1]!;
    }
    return out;
  };
}
