import type { FaultRecord, Recording } from '../model/recording.ts';
import type { RunResult, SloVerdict } from '../model/result.ts';
import { describeInterruption } from './coverage.ts';

export interface Outcome {
  verdict: RunResult['verdict'];
  reasons: string[];
}

/**
 * The overall verdict. `interrupted` when a signal stopped the run: one reason says where, and
 * the SLOs of windows that did not complete say "partial" or "not reached" themselves (the
 * faults not applied because the run stopped first are no extra cause). `inconclusive` when the
 * run did not complete otherwise, a fault could not be applied or removed, a fault was never
 * applied, or an applied fault touched no traffic — each cause one sentence in `reasons`. Else
 * `fail` when an SLO was missed, else `pass`; reasons are then empty (the SLO verdicts say it).
 * Every problem the run met (`recording.problems`: a fault not removed, a service that would not
 * stop, a dead run's leftovers not undone) makes the run untrustworthy, so it is inconclusive
 * too, each problem one reason.
 */
export function outcomeOf(recording: Recording, faults: readonly FaultRecord[], slos: readonly SloVerdict[]): Outcome {
  const reasons: string[] = [];
  if (recording.status === 'interrupted') {
    const where = recording.interruption ? ` ${describeInterruption(recording.interruption, recording.durationMs)}` : '';
    const unjudged = slos.filter((slo) => slo.coverage !== undefined).length;
    const note = unjudged > 0 ? `; ${unjudged} of ${slos.length} SLOs were not judged (window not complete)` : '';
    reasons.push(`The run was interrupted${where}${note}.`);
    for (const fault of faults) if (fault.error) reasons.push(`Fault ${fault.id} (${fault.kind} on ${fault.target}) failed: ${fault.error}`);
    reasons.push(...recording.problems);
    return { verdict: 'interrupted', reasons };
  }
  if (recording.status !== 'completed') {
    reasons.push(`The run ended as ${recording.status}, so the SLOs were not checked on a complete run.`);
  }
  for (const fault of faults) {
    const reason = faultReason(fault);
    if (reason) reasons.push(reason);
  }
  reasons.push(...recording.problems);
  if (reasons.length > 0) return { verdict: 'inconclusive', reasons };
  return { verdict: slos.every((slo) => slo.passed) ? 'pass' : 'fail', reasons };
}

function faultReason(fault: FaultRecord): string | undefined {
  const name = `Fault ${fault.id} (${fault.kind} on ${fault.target})`;
  if (fault.error) return `${name} failed: ${fault.error}`;
  if (fault.appliedAtMs === undefined) return `${name} was never applied.`;
  if (fault.connectionsAffected === 0) return `${name} touched no connection, so it tested nothing.`;
  const connectionsSeen = fault.connectionsAffected !== undefined && fault.connectionsAffected > 0;
  if (fault.requestsAffected === 0 && !connectionsSeen) return `${name} touched no request, so it tested nothing.`;
  return undefined;
}
