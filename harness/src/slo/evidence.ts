import type { FaultRecord } from '../model/recording.ts';
import { counterDelta, type IndexedSeries, type ScrapeIndex } from './scrape-index.ts';

/**
 * Fault evidence: the recorded faults, with `requestsAffected` filled in from the scrapes where
 * the runner could not measure it. Over [appliedAtMs, removedAtMs ?? durationMs]:
 * - a link fault (`toxic`, `down`; target `caller -> callee`): Δ
 *   dependency_attempts_total{service=caller, dependency=callee};
 * - a service fault (`crash`, `restart`, `http`): Δ dependency_attempts_total of every caller
 *   with dependency=<service>, plus for `http` Δ faultline_injected_faults_total{service}.
 * Left undefined when the fault was never applied or no such series exist (an external service
 * without these metrics): no evidence is not evidence of nothing.
 */
export function faultEvidence(faults: readonly FaultRecord[], scrapes: ScrapeIndex, durationMs: number): FaultRecord[] {
  return faults.map((fault) => {
    if (fault.requestsAffected !== undefined || fault.appliedAtMs === undefined) return { ...fault };
    const series = evidenceSeries(fault, scrapes);
    if (series.length === 0) return { ...fault };
    const requestsAffected = counterDelta(series, fault.appliedAtMs, fault.removedAtMs ?? durationMs);
    return { ...fault, requestsAffected };
  });
}

function evidenceSeries(fault: FaultRecord, scrapes: ScrapeIndex): IndexedSeries[] {
  // An http fault on a link (`caller -> callee`) is a link fault; on a service, a service fault.
  if (fault.kind === 'toxic' || fault.kind === 'down' || (fault.kind === 'http' && fault.target.includes('->'))) {
    const [caller, callee, ...extra] = fault.target.split('->').map((part) => part.trim());
    if (!caller || !callee || extra.length > 0) return [];
    return scrapes.series('dependency_attempts_total', { service: caller, dependency: callee });
  }
  const attempts = scrapes.series('dependency_attempts_total', { dependency: fault.target });
  const injected = fault.kind === 'http' ? scrapes.series('faultline_injected_faults_total', { service: fault.target }) : [];
  return [...attempts, ...injected];
}
