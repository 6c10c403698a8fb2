import { z } from 'zod';
import { LINK_PATTERN, linkProblem } from './link.ts';
import { DURATION_PATTERN, PERCENT_PATTERN, RATE_PATTERN, durationProblem, ratioProblem, rateProblem } from './units.ts';

/**
 * Field schemas with units, shared by the scenario and topology documents. Each carries a
 * pattern (so the generated JSON Schema lets editors check it) and an error function whose
 * message says the fix ("needs a unit", "cannot be negative").
 */

const required = (input: unknown): string | undefined => (input === undefined ? 'required field is missing' : undefined);

/** `250ms`, `1.5s`, `2m`: a non-negative duration with a unit. */
export const durationText = z
  .string({ error: (iss) => required(iss.input) ?? durationProblem(iss.input) })
  .regex(new RegExp(DURATION_PATTERN), { error: (iss) => durationProblem(iss.input) })
  .meta({ description: "Duration with a unit: us, ms, s, m, h (e.g. '250ms', '1.5s', '2m', '1m30s')." });

/** `100/s`, `6000/m`: requests per unit of time. */
export const rateText = z
  .string({ error: (iss) => required(iss.input) ?? rateProblem(iss.input) })
  .regex(new RegExp(RATE_PATTERN), { error: (iss) => rateProblem(iss.input) })
  .meta({ description: "Rate with a unit (e.g. '100/s', '6000/m')." });

/** `0.5` or `50%`. */
export const ratioValue = z
  .union([z.number().min(0).max(1), z.string().regex(new RegExp(PERCENT_PATTERN), { error: (iss) => ratioProblem(iss.input) })], {
    error: (iss) => required(iss.input) ?? ratioProblem(iss.input),
  })
  .meta({ description: "Ratio 0..1 or a percentage (e.g. 0.5 or '50%')." });

/** `caller -> callee`. */
export const linkText = z
  .string({ error: (iss) => required(iss.input) ?? linkProblem(iss.input) })
  .regex(new RegExp(LINK_PATTERN), { error: (iss) => linkProblem(iss.input) })
  .meta({ description: "A dependency edge 'caller -> callee' (service names)." });

/** Names of services, scenarios, windows, fault ids: safe in file names and proxy names. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
export const nameText = z.string().regex(new RegExp(NAME_PATTERN), {
  error: (iss) => `expected a name of letters, digits, '-', '_' or '.' (starting with a letter or digit); got ${JSON.stringify(iss.input)}`,
});
