import { FaultlineError } from '../errors.ts';
import type { RunResult } from '../model/result.ts';

/** The verdict `compare` expects of each profile. */
export type Expectations = ReadonlyMap<string, RunResult['verdict']>;

const expectable: readonly RunResult['verdict'][] = ['pass', 'fail', 'inconclusive'];

/** What `--expect-discrimination` (deprecated) always meant. */
export const DISCRIMINATION = 'naive=fail,resilient=pass';

/**
 * `naive=fail,resilient=pass` → each profile's expected verdict; a profile the text does not
 * name must pass (so without `--expect`, every profile must pass). FL_USAGE for a malformed
 * pair, an unknown verdict, a profile named twice or one that is not compared.
 */
export function parseExpectations(text: string | undefined, profiles: readonly string[]): Expectations {
  const named = new Map<string, RunResult['verdict']>();
  for (const pair of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [profile, verdict, ...rest] = pair.split('=').map((p) => p.trim());
    if (!profile || !verdict || rest.length > 0)
      throw new FaultlineError('FL_USAGE', `--expect takes profile=verdict pairs (e.g. naive=fail,resilient=pass), got '${pair}'`);
    if (!expectable.includes(verdict as RunResult['verdict']))
      throw new FaultlineError('FL_USAGE', `--expect: '${verdict}' for ${profile} is not one of ${expectable.join(', ')}`);
    if (named.has(profile)) throw new FaultlineError('FL_USAGE', `--expect names profile ${profile} twice`);
    if (!profiles.includes(profile))
      throw new FaultlineError('FL_USAGE', `--expect names profile ${profile}, which is not compared (--profiles ${profiles.join(',')})`);
    named.set(profile, verdict as RunResult['verdict']);
  }
  return new Map(profiles.map((profile) => [profile, named.get(profile) ?? 'pass']));
}

/** Profiles whose verdict is not the expected one. */
export function unexpected(results: readonly RunResult[], expectations: Expectations): RunResult[] {
  return results.filter((r) => expectations.get(r.profile) !== r.verdict);
}
