import { describe, expect, it } from 'vitest';
import type { FaultRecord } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { metric, recording, request, scenario, scrape, slo } from '../fixtures/builders.ts';

const passing = slo({ kind: 'dropped' }, '==', 0);
const failing = slo({ kind: 'dropped' }, '>', 0);
/** A fault applied at 1 s and removed at 2 s; a part given as undefined leaves that field out. */
const applied = (parts: { [K in keyof FaultRecord]?: FaultRecord[K] | undefined }): FaultRecord => {
  const fault: Record<string, unknown> = { id: 'f1', kind: 'toxic', target: 'dispatch -> pricing', appliedAtMs: 1000, removedAtMs: 2000, ...parts };
  for (const key of Object.keys(fault)) if (fault[key] === undefined) delete fault[key];
  return fault as unknown as FaultRecord;
};
const outcome = (parts: Parameters<typeof recording>[0], slos = [passing]) => {
  const result = analyse(recording({ samples: [request(0, 5)], ...parts }), scenario(slos));
  return { verdict: result.verdict, reasons: result.reasons, status: result.status };
};

describe('the overall verdict', () => {
  it('passes when every SLO is met and every fault touched traffic', () => {
    expect(outcome({ durationMs: 3000, faults: [applied({ connectionsAffected: 2 })] })).toEqual({ verdict: 'pass', reasons: [], status: 'completed' });
  });

  it('fails when an SLO is missed', () => {
    expect(outcome({ durationMs: 3000 }, [passing, failing]).verdict).toBe('fail');
  });

  it('is interrupted, not judged as a whole, when a signal stopped the run, whatever the SLOs say', () => {
    const result = outcome({ durationMs: 3000, status: 'interrupted', problems: ['SIGINT at 1.2 s'] }, [passing]);
    expect(result.verdict).toBe('interrupted');
    expect(result.status).toBe('interrupted');
    // Analysis alone decides: the run's problems are reasons of the verdict, after its own.
    expect(result.reasons).toEqual(['The run was interrupted.', 'SIGINT at 1.2 s']);
  });

  it('is inconclusive when the run failed, whatever the SLOs say', () => {
    const result = outcome({ durationMs: 3000, status: 'failed' }, [passing]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['The run ended as failed, so the SLOs were not checked on a complete run.']);
  });

  it('is inconclusive when the run met a problem (e.g. at cleanup), even with every SLO met', () => {
    const result = outcome({ durationMs: 3000, faults: [applied({ connectionsAffected: 2 })], problems: ['stop trip: still running after 2 s'] }, [passing]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['stop trip: still running after 2 s']);
  });

  it('is inconclusive when a fault could not be applied, and names it', () => {
    const result = outcome({ durationMs: 3000, faults: [{ id: 'f1', kind: 'down', target: 'a -> b', error: 'proxy a_to_b not found' }] }, [failing]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['Fault f1 (down on a -> b) failed: proxy a_to_b not found']);
  });

  it('is inconclusive when a fault touched no connection', () => {
    const result = outcome({ durationMs: 3000, faults: [applied({ connectionsAffected: 0, requestsAffected: 12 })] });
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons[0]).toContain('touched no connection');
  });

  it('is inconclusive when a fault touched no request and no connection is known to be touched', () => {
    expect(outcome({ durationMs: 3000, faults: [applied({ requestsAffected: 0 })] }).verdict).toBe('inconclusive');
    expect(outcome({ durationMs: 3000, faults: [applied({ requestsAffected: 0, connectionsAffected: 1 })] }).verdict).toBe('pass');
  });

  it('is inconclusive when a fault of a completed run was never applied', () => {
    const result = outcome({ durationMs: 3000, faults: [{ id: 'late', kind: 'crash', target: 'pricing' }] });
    expect(result.reasons).toEqual(['Fault late (crash on pricing) was never applied.']);
  });

  it('gives one reason per cause', () => {
    const result = outcome({
      durationMs: 3000,
      status: 'failed',
      faults: [applied({ id: 'a', connectionsAffected: 0 }), applied({ id: 'b', error: 'boom' })],
    });
    expect(result.reasons).toHaveLength(3);
    expect(result.reasons[1]).toContain('Fault a');
  });
});

describe('fault evidence from scrapes', () => {
  const attempts = (service: string, dependency: string, value: number) =>
    metric('dependency_attempts_total', { service, dependency, outcome: 'success' }, value);
  const scrapes = [
    scrape(500, 'dispatch', [attempts('dispatch', 'pricing', 5), attempts('dispatch', 'drivers', 1)]),
    scrape(500, 'gateway', [attempts('gateway', 'dispatch', 7)]),
    scrape(500, 'pricing', [metric('faultline_injected_faults_total', { service: 'pricing' }, 0)]),
    scrape(1500, 'dispatch', [attempts('dispatch', 'pricing', 25), attempts('dispatch', 'drivers', 4)]),
    scrape(1500, 'gateway', [attempts('gateway', 'dispatch', 17)]),
    scrape(1500, 'pricing', [metric('faultline_injected_faults_total', { service: 'pricing' }, 6)]),
  ];
  const evidence = (faults: FaultRecord[]) => analyse(recording({ durationMs: 3000, scrapes, faults }), scenario([])).faults;

  it('counts attempts on the link while a link fault was active', () => {
    expect(evidence([applied({ removedAtMs: undefined })])[0]!.requestsAffected).toBe(20);
  });

  it('counts every caller of the service for a service fault, plus injected faults for http', () => {
    expect(evidence([applied({ kind: 'crash', target: 'dispatch' })])[0]!.requestsAffected).toBe(10);
    expect(evidence([applied({ kind: 'http', target: 'pricing' })])[0]!.requestsAffected).toBe(26);
  });

  it('keeps what the runner measured', () => {
    expect(evidence([applied({ requestsAffected: 3 })])[0]!.requestsAffected).toBe(3);
  });

  it('leaves evidence undefined for a service without these metrics, or a fault never applied', () => {
    expect(evidence([applied({ target: 'gateway -> external' })])[0]!.requestsAffected).toBeUndefined();
    expect(evidence([applied({ appliedAtMs: undefined })])[0]!.requestsAffected).toBeUndefined();
  });

  it('makes the run inconclusive when the computed evidence is zero', () => {
    const quiet = [scrape(500, 'dispatch', [attempts('dispatch', 'pricing', 5)]), scrape(2500, 'dispatch', [attempts('dispatch', 'pricing', 5)])];
    const result = analyse(recording({ durationMs: 3000, scrapes: quiet, faults: [applied({})] }), scenario([passing]));
    expect(result.faults[0]!.requestsAffected).toBe(0);
    expect(result.verdict).toBe('inconclusive');
  });
});
