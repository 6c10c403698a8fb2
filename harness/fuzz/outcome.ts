import { performance } from 'node:perf_hooks';
import { InputError, type InputIssue } from '../src/errors.ts';

/**
 * What every fuzz target's property accepts: the input ended in a result, or in input issues
 * that say where (file, line and column); within a time bound. Anything else — a TypeError, a
 * RangeError, a stack overflow, an issue with no position, a hang — fails the property.
 */
export type OutcomeKind = 'result' | 'input-error';
export interface Outcome {
  kind: OutcomeKind;
  /** How long the input took, ms. */
  ms: number;
}

/** Generous per-input bound, ms: the machine is shared and busy; a real hang takes forever. */
export const PER_INPUT_LIMIT_MS = 2000;

/** Runs one input; an InputError (every issue located) counts as an input error. */
export async function timed(run: () => Promise<OutcomeKind> | OutcomeKind): Promise<Outcome> {
  const start = performance.now();
  let kind: OutcomeKind;
  try {
    kind = await run();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    requireLocated(error.issues);
    kind = 'input-error';
  }
  const ms = performance.now() - start;
  if (ms > PER_INPUT_LIMIT_MS) throw new Error(`took ${ms.toFixed(0)} ms (limit ${PER_INPUT_LIMIT_MS} ms)`);
  return { kind, ms };
}

/** Every issue names a file (under `folder`, when given: a scenario may name any file there as
 * its topology, the folder itself included), a line and column ≥ 1, and a message. */
export function requireLocated(issues: readonly InputIssue[], folder?: string): void {
  for (const issue of issues) {
    const located = issue.file !== '' && Number.isInteger(issue.line) && issue.line >= 1 && Number.isInteger(issue.column) && issue.column >= 1;
    if (!located || (folder !== undefined && !issue.file.startsWith(folder)) || issue.message.trim() === '') {
      throw new Error(`an issue without a proper location or message: ${JSON.stringify(issue)}`);
    }
  }
}

/** Slowest input seen per target (for the report and docs/reliability.md). */
export class Stats {
  count = 0;
  maxMs = 0;
  readonly kinds: Record<OutcomeKind, number> = { result: 0, 'input-error': 0 };
  add(outcome: Outcome): void {
    this.count++;
    this.maxMs = Math.max(this.maxMs, outcome.ms);
    this.kinds[outcome.kind]++;
  }
}
