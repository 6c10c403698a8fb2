import type { BrokerEnvironment, FaultRecord } from '../model/recording.ts';
import type { RunResult, SloVerdict } from '../model/result.ts';
import { describeInterruption } from '../slo/coverage.ts';

/** `PASS`, `FAIL`, `INCONCLUSIVE`, `INTERRUPTED`. */
export function verdictWord(verdict: RunResult['verdict']): string {
  return verdict.toUpperCase();
}

/** A fault in a few words: `f1 toxic rides -> dispatch`. */
export function faultLabel(fault: Pick<FaultRecord, 'id' | 'kind' | 'target'>): string {
  return `${fault.id} ${fault.kind} ${fault.target}`;
}

/**
 * Which broker ran, in a line: `broker (mqtt): embedded, aedes 1.2.0`; `…: external
 * mqtt://10.0.0.5:1883, mosquitto version 2.0.11`; `…: started by command sh mosquitto.sh`. What
 * it is appears only when known (a broker that is not faultline's is named only if it said).
 */
export function brokerLabel(broker: BrokerEnvironment): string {
  const how =
    broker.source === 'embedded'
      ? 'embedded'
      : broker.source === 'external'
        ? `external ${broker.url ?? ''}`.trimEnd()
        : `started by command ${(broker.command ?? []).join(' ')}`.trimEnd();
  return `${broker.service} (${broker.protocol}): ${how}${broker.software ? `, ${broker.software}` : ''}`;
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

/** What reporters show for one SLO: only an SLO whose window completed is met or missed. */
export type SloState = 'met' | 'missed' | 'partial' | 'not-reached';

export function sloState(slo: Pick<SloVerdict, 'passed' | 'coverage'>): SloState {
  return slo.coverage ?? (slo.passed ? 'met' : 'missed');
}

/** `met`, `missed`, `partial`, `not reached`. */
export function sloStateWord(state: SloState): string {
  return state === 'not-reached' ? 'not reached' : state;
}

/** Counts of SLO states in one short phrase: `all 5 SLOs met`, `1 of 5 SLOs missed`, and for an
 * interrupted run `2 met, 1 missed, 1 partial, 1 not reached (of 5 SLOs)`. */
export function sloCountsPhrase(slos: readonly Pick<SloVerdict, 'passed' | 'coverage'>[]): string {
  const states = slos.map(sloState);
  const count = (state: SloState) => states.filter((s) => s === state).length;
  const total = slos.length;
  if (count('partial') + count('not-reached') === 0) {
    return count('missed') === 0 ? `all ${total} SLOs met` : `${count('missed')} of ${total} SLOs missed`;
  }
  const parts = (['met', 'missed', 'partial', 'not-reached'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${sloStateWord(s)}`);
  return `${parts.join(', ')} (of ${total} SLOs)`;
}

/** `interrupted during load at 33.0 s of 52.0 s`; undefined for a run no signal stopped. */
export function interruptionLine(result: Pick<RunResult, 'interruption' | 'durationMs'>): string | undefined {
  return result.interruption && `interrupted ${describeInterruption(result.interruption, result.durationMs)}`;
}
