import { describe, expect, it } from 'vitest';
import { renderComparison, renderHtml, renderSummary } from '../../src/report/index.ts';
import type { AsyncObservations, Recording } from '../../src/model/recording.ts';
import { analyse } from '../../src/slo/analyse.ts';
import { builtinWindows, recording, scenario, slo } from '../fixtures/builders.ts';

/** The async outcomes as each reporter shows them, from a hand-built run: 4 accepted, 3
 * completed (one of them twice by different messages, one redelivered), 1 lost. */
const observed: AsyncObservations = {
  channel: 'driver.assigned',
  requestId: '/id',
  completionId: '/payload/tripId',
  messageId: '/id',
  drainMs: 5_000,
  accepted: [0, 1000, 2000, 3000].map((t, i) => ({ id: `t-${i}`, scheduledMs: t, acceptedMs: t + 10 })),
  acceptedWithoutId: 0,
  completions: [
    { id: 't-0', messageId: 'a', atMs: 100 },
    { id: 't-1', messageId: 'b', atMs: 1_300 },
    { id: 't-1', messageId: 'b2', atMs: 1_400 },
    { id: 't-2', messageId: 'c', atMs: 2_500 },
    { id: 't-2', messageId: 'c', atMs: 2_600 },
  ],
  unreadable: 1,
  observedUntilMs: 9_000,
  stopped: 'drain-elapsed',
  disconnections: [],
};

function resultFor(profile: string, async: AsyncObservations): ReturnType<typeof analyse> {
  const rec: Recording = recording({ durationMs: 4_000, profile, windows: builtinWindows(4_000, 1_000, 2_000), async });
  return analyse(rec, scenario([slo({ kind: 'messages_lost' }, '==', 0, 'whole', 'messages_lost == 0')]));
}

describe('reports of the asynchronous outcomes', () => {
  const result = resultFor('resilient', observed);

  it('the console summary gives each window its fate, repeats and async latency, and the caveats', () => {
    const text = renderSummary(result);
    expect(text).toContain('Asynchronous outcomes (completed by driver.assigned)');
    expect(text).toMatch(/whole +4 accepted: 3 completed, 1 lost · 1 duplicate, 1 redelivery · async latency p50 300 ms, p99 500 ms, max 500 ms/);
    expect(text).toContain('1 message(s) on driver.assigned carried no readable id');
  });

  it('compare adds the async rows of the whole window per profile', () => {
    const naive = resultFor('naive', { ...observed, completions: [] });
    const text = renderComparison([naive, result]);
    expect(text).toMatch(/async accepted +4 +4/);
    expect(text).toMatch(/async lost +4 +1/);
    expect(text).toMatch(/async duplicates +0 +1/);
  });

  it('the HTML report has the async table and the chart over the load and the drain', () => {
    const html = renderHtml([result]);
    expect(html).toContain('<h2>Asynchronous outcomes</h2>');
    expect(html).toContain('Asynchronous outcomes (driver.assigned)');
    expect(html).toContain('<code>driver.assigned</code>');
    expect(renderHtml([resultFor('naive', { ...observed, completions: [] }), result])).toContain('<h3>Asynchronous outcomes</h3>');
  });

  it('a run without async has none of it', () => {
    const plain = analyse(recording({ durationMs: 1_000 }), scenario([]));
    expect(renderSummary(plain)).not.toContain('Asynchronous');
    expect(renderHtml([plain])).not.toContain('Asynchronous outcomes');
  });
});
