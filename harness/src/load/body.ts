import { seededUint32 } from './random.ts';

/** Produces the request body of request number `seq` (0-based), or undefined when there is none. */
export type BodyRenderer = (seq: number) => string | undefined;

const PLACEHOLDER = /\{\{(seq|rand)\}\}/g;

/**
 * Compiles `body` (any JSON value) once: serialised to JSON and split around the `{{seq}}` and
 * `{{rand}}` placeholders in its strings, so rendering a request is a join of a few pieces.
 * `{{seq}}` becomes the request number and `{{rand}}` a seeded random unsigned 32-bit integer,
 * both as decimal digits inside the string (digits need no JSON escaping, and the value stays a
 * string). A body without placeholders is serialised once and shared.
 */
export function compileBody(body: unknown, seed: number): BodyRenderer {
  if (body === undefined) return () => undefined;
  const json = JSON.stringify(body);
  const literals: string[] = [];
  const tokens: ('seq' | 'rand')[] = [];
  let last = 0;
  for (const match of json.matchAll(PLACEHOLDER)) {
    literals.push(json.slice(last, match.index));
    tokens.push(match[1] as 'seq' | 'rand');
    last = match.index + match[0].length;
  }
  if (tokens.length === 0) return () => json;
  literals.push(json.slice(last));
  return (seq) => {
    let out = literals[0]!;
    let randSlot = 0;
    for (let i = 0; i < tokens.length; i++) {
      out += tokens[i] === 'seq' ? String(seq) : String(seededUint32(seed, seq, randSlot++));
      out += literals[i + 1]!;
    }
    return out;
  };
}
