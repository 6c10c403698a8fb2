import fc from 'fast-check';
import { parseSloExpression, sloMetricWords } from '../src/scenario/slo-grammar.ts';
import { type Outcome, timed } from './outcome.ts';

/**
 * Target `slo`: generated SLO expressions through the grammar (scenario/slo-grammar.ts).
 * Property: a parsed SLO whose threshold is a finite non-negative number, or a failure whose
 * column lies within the expression (1 … length + 1, the end) and whose message quotes it.
 */

const metricWords = sloMetricWords.filter((w) => w !== 'p(N)');

/** Pieces of the grammar, plus near misses, for expressions that get far into the parser. */
const token: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...metricWords) },
  {
    weight: 2,
    arbitrary: fc.oneof(fc.double({ noNaN: false }), fc.integer(), fc.constantFrom('', '0', '100', '100.5', '1e3', '.5', '-1')).map((n) => `p(${String(n)})`),
  },
  { weight: 3, arbitrary: fc.constantFrom('<', '<=', '>', '>=', '==', '=', '!=', '=<', '<<') },
  {
    weight: 3,
    arbitrary: fc
      .oneof(fc.nat(), fc.double({ min: 0, max: 1e12, noNaN: true }), fc.constantFrom('1e400', '9'.repeat(400), '0.', '00', '-0', '1.2.3'))
      .map(String),
  },
  { weight: 2, arbitrary: fc.constantFrom('ms', 's', '%', '/s', 'm', 'h', 'us', '', 'ms ms') },
  { weight: 2, arbitrary: fc.constantFrom('{', '}', ',', '=', 'service', 'dependency', 'service=trip', 'dependency=dispatch', '"q u"', "'x'", '"open') },
  { weight: 2, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2028') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

export const sloInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(token, { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 3, arbitrary: fc.array(token, { maxLength: 12 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => `p(99) < ${'9'.repeat(n)}ms`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => `timeouts{${'service=a,'.repeat(n)}} < 1`) },
);

export function checkSloExpression(text: string): Promise<Outcome> {
  return timed(() => {
    const result = parseSloExpression(text);
    if (result.ok) {
      const { threshold } = result.slo;
      if (!Number.isFinite(threshold) || threshold < 0) throw new Error(`parsed with threshold ${threshold}`);
      return 'result';
    }
    if (!(Number.isInteger(result.column) && result.column >= 1 && result.column <= text.length + 1)) {
      throw new Error(`column ${result.column} outside the expression (length ${text.length})`);
    }
    if (!result.message.includes(text) || result.reason.trim() === '') throw new Error(`message does not quote the expression: ${result.message}`);
    return 'input-error';
  });
}
