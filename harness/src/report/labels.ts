import type { FaultRecord } from '../model/recording.ts';
import type { RunResult } from '../model/result.ts';

/** `PASS`, `FAIL`, `INCONCLUSIVE`. */
export function verdictWord(verdict: RunResult['verdict']): string {
  return verdict.toUpperCase();
}

/** A fault in a few words: `f1 toxic rides -> dispatch`. */
export function faultLabel(fault: Pick<FaultRecord, 'id' | 'kind' | 'target'>): string {
  return `${fault.id} ${fault.kind} ${fault.target}`;
}

/** `dispatch-outage [resilient]`: how a result is named in suites and headings. */
export function resultTitle(result: Pick<RunResult, 'scenario' | 'profile'>): string {
  return `${result.scenario.name} [${result.profile}]`;
}

/**
 * The fault's evidence in one phrase: when it was applied and removed, and what it touched.
 * Undefined counts are left out (not every target reports them).
 */
export function faultEvidence(fault: FaultRecord): string {
  const parts: string[] = [];
  parts.push(fault.appliedAtMs === undefined ? 'never applied' : `applied at ${(fault.appliedAtMs / 1000).toFixed(1)} s`);
  if (fault.appliedAtMs !== undefined) {
    parts.push(fault.removedAtMs === undefined ? 'never removed' : `removed at ${(fault.removedAtMs / 1000).toFixed(1)} s`);
  }
  if (fault.connectionsAffected !== undefined) parts.push(`${fault.connectionsAffected} connections affected`);
  if (fault.requestsAffected !== undefined) parts.push(`${fault.requestsAffected} requests affected`);
  if (fault.error) parts.push(`error: ${fault.error}`);
  return parts.join(', ');
}
