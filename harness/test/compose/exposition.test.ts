import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createHarnessMetrics, createMetricsReporter } from '../../src/report/exposition.ts';
import { serveMetrics, type MetricsServer } from '../../src/report/metrics-server.ts';
import type { RunResult } from '../../src/model/result.ts';
import { refused } from '../support/ports.ts';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function second(reqPerSec: number, errors: number, dropped: number, p99Ms: number, latenciesMs?: number[]) {
  return { elapsedMs: 1000, totalMs: 10_000, reqPerSec, errors, dropped, p99Ms, activeFaults: [], ...(latenciesMs ? { latenciesMs } : {}) };
}

/** The value of the one series of `name` whose labels include `labels`, in exposition text
 * (label order does not matter); undefined when none, an error when several match. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const matches = text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  if (matches.length > 1) throw new Error(`${matches.length} series of ${name} match ${JSON.stringify(labels)}`);
  return matches[0] === undefined ? undefined : Number(matches[0].slice(matches[0].lastIndexOf(' ') + 1));
}

const stack = {
  toxiproxyUrl: 'http://127.0.0.1:40001',
  embedded: true,
  services: [
    { name: 'gateway', url: 'http://127.0.0.1:40002' },
    { name: 'trip', url: 'http://127.0.0.1:40003' },
  ],
};

describe('the harness metrics reporter', () => {
  const run1 = { run_id: '20260101T000000Z-aaaaaa', scenario: 'dispatch-outage', profile: 'resilient' };

  it('counts requests by outcome, marks faults on and off, and records SLO verdicts, all labelled with the run', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({
      runId: run1.run_id,
      scenario: run1.scenario,
      profile: run1.profile,
      durationMs: 10_000,
      faults: [{ id: 'dispatch-down', label: 'down', atMs: 3000 }],
    });
    let text = await metrics.registry.metrics();
    expect(value(text, 'faultline_fault_active', { ...run1, fault: 'dispatch-down' })).toBe(0);
    expect(value(text, 'faultline_requests_total', { ...run1, outcome: 'error' })).toBe(0);
    expect(value(text, 'faultline_run_active', run1)).toBe(1);

    reporter.onSecond!(second(100, 3, 2, 40, [10, 20, 40, 700]));
    reporter.onSecond!(second(50, 0, 0, 700, [30, 800]));
    reporter.onSecond!(second(0, 0, 0, 0)); // a progress-only second: nothing to observe
    reporter.onFault!({ id: 'dispatch-down', label: 'down', action: 'apply', atMs: 3000 });
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_requests_total', { ...run1, outcome: 'ok' })).toBe(147);
    expect(value(text, 'faultline_requests_total', { ...run1, outcome: 'error' })).toBe(3);
    expect(value(text, 'faultline_requests_total', { ...run1, outcome: 'dropped' })).toBe(2);
    // Every response is observed, not one p99 per second.
    expect(value(text, 'faultline_request_duration_seconds_count', run1)).toBe(6);
    expect(value(text, 'faultline_request_duration_seconds_bucket', { ...run1, le: '0.05' })).toBe(4);
    expect(value(text, 'faultline_request_duration_seconds_bucket', { ...run1, le: '0.5' })).toBe(4);
    expect(value(text, 'faultline_request_duration_seconds_bucket', { ...run1, le: '1' })).toBe(6);
    expect(value(text, 'faultline_request_duration_seconds_sum', run1)).toBeCloseTo(1.6, 6);
    expect(value(text, 'faultline_fault_active', { ...run1, fault: 'dispatch-down' })).toBe(1);

    reporter.onFault!({ id: 'dispatch-down', label: 'down', action: 'remove', atMs: 8000, error: 'proxy gone' });
    expect(value(await metrics.registry.metrics(), 'faultline_fault_active', { ...run1, fault: 'dispatch-down' })).toBe(1);
    await reporter.onResult!(result(run1, { 'trips keep succeeding': true, 'trips stay fast': false }), { dir: '' });
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_fault_active', { ...run1, fault: 'dispatch-down' })).toBe(0);
    expect(value(text, 'faultline_slo_passed', { ...run1, slo: 'trips keep succeeding' })).toBe(1);
    expect(value(text, 'faultline_slo_passed', { ...run1, slo: 'trips stay fast' })).toBe(0);
    expect(value(text, 'faultline_run_active', run1)).toBe(0);
  });

  it('keeps two runs of one scenario apart: each verdict is its own series, only the latest run is active', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    const run2 = { ...run1, run_id: '20260101T000100Z-bbbbbb', profile: 'retries' };
    for (const [run, passed] of [
      [run1, true],
      [run2, false],
    ] as const) {
      reporter.onPlan!({ runId: run.run_id, scenario: run.scenario, profile: run.profile, durationMs: 1000, faults: [] });
      await reporter.onResult!(result(run, { 'trips keep succeeding': passed }), { dir: '' });
    }
    // A third run that never reaches its verdict (an environment error) is over once another begins.
    const run3 = { ...run1, run_id: '20260101T000200Z-cccccc' };
    reporter.onPlan!({ runId: run3.run_id, scenario: run3.scenario, profile: run3.profile, durationMs: 1000, faults: [] });
    const run4 = { ...run1, run_id: '20260101T000300Z-dddddd' };
    reporter.onPlan!({ runId: run4.run_id, scenario: run4.scenario, profile: run4.profile, durationMs: 1000, faults: [] });
    const text = await metrics.registry.metrics();
    expect(value(text, 'faultline_slo_passed', { ...run1, slo: 'trips keep succeeding' })).toBe(1);
    expect(value(text, 'faultline_slo_passed', { ...run2, slo: 'trips keep succeeding' })).toBe(0);
    expect([run1, run2, run3, run4].map((run) => value(text, 'faultline_run_active', run))).toEqual([0, 0, 0, 1]);
  });

  it('exposes the asynchronous outcomes of a run that follows them as they happen, labelled with the run', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({
      runId: run1.run_id,
      scenario: run1.scenario,
      profile: run1.profile,
      durationMs: 10_000,
      faults: [],
      async: { channel: 'driver.assigned' },
    });
    let text = await metrics.registry.metrics();
    // Every series from the plan on, at 0, so rate() sees the first request.
    for (const name of [
      'faultline_async_accepted_total',
      'faultline_async_completed_total',
      'faultline_async_duplicates_total',
      'faultline_async_redeliveries_total',
    ])
      expect(value(text, name, run1), name).toBe(0);
    expect(value(text, 'faultline_async_latency_seconds_count', run1)).toBe(0);

    const accept = (id: string, scheduledMs: number) => reporter.onAsync!({ kind: 'accepted', request: { id, scheduledMs, acceptedMs: scheduledMs + 20 } });
    const complete = (id: string, messageId: string, atMs: number) => reporter.onAsync!({ kind: 'completion', message: { id, messageId, atMs } });
    accept('t-1', 0);
    complete('t-1', 'm-1', 300); // 0.3 s
    complete('t-2', 'm-2', 2_100); // before t-2's response was read
    accept('t-2', 100); // 2 s
    accept('t-3', 200); // never completes: the backlog
    complete('t-1', 'm-1', 400); // the same message again
    complete('t-2', 'm-2b', 2_200); // a second driver for t-2
    complete('warm-up-1', 'm-0', 50); // no accepted request of this run
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_async_accepted_total', run1)).toBe(3);
    expect(value(text, 'faultline_async_completed_total', run1)).toBe(2);
    expect(value(text, 'faultline_async_duplicates_total', run1)).toBe(1);
    expect(value(text, 'faultline_async_redeliveries_total', run1)).toBe(1);
    expect(value(text, 'faultline_async_latency_seconds_count', run1)).toBe(2);
    expect(value(text, 'faultline_async_latency_seconds_sum', run1)).toBeCloseTo(2.3, 6);
    expect(value(text, 'faultline_async_latency_seconds_bucket', { ...run1, le: '0.25' })).toBe(0);
    expect(value(text, 'faultline_async_latency_seconds_bucket', { ...run1, le: '0.5' })).toBe(1);
    expect(value(text, 'faultline_async_latency_seconds_bucket', { ...run1, le: '2.5' })).toBe(2);

    // The next run counts from zero in its own series; the first keeps its totals.
    const run2 = { ...run1, run_id: '20260101T000100Z-bbbbbb' };
    reporter.onPlan!({
      runId: run2.run_id,
      scenario: run2.scenario,
      profile: run2.profile,
      durationMs: 1000,
      faults: [],
      async: { channel: 'driver.assigned' },
    });
    complete('t-3', 'm-3', 500); // t-3 was the first run's: not this one's to count
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_async_completed_total', run2)).toBe(0);
    expect(value(text, 'faultline_async_accepted_total', run1)).toBe(3);
  });

  it('exposes no asynchronous series for a run without an async: block', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({ runId: run1.run_id, scenario: run1.scenario, profile: run1.profile, durationMs: 1000, faults: [] });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^faultline_async_\w+\{/m);
  });

  it("lists the run's services and Toxiproxy for service discovery while its system is up, with the run's labels", () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({ runId: run1.run_id, scenario: run1.scenario, profile: run1.profile, durationMs: 1000, faults: [] });
    expect(metrics.targets.groups('127.0.0.1:9464')).toEqual([{ targets: ['127.0.0.1:9464'], labels: { job: 'faultline', __metrics_path__: '/metrics' } }]);
    reporter.onStack!(stack);
    expect(metrics.targets.groups('127.0.0.1:9464')).toEqual([
      { targets: ['127.0.0.1:9464'], labels: { job: 'faultline', __metrics_path__: '/metrics' } },
      { targets: ['127.0.0.1:40002'], labels: { job: 'services', ...run1, __metrics_path__: '/metrics' } },
      { targets: ['127.0.0.1:40003'], labels: { job: 'services', ...run1, __metrics_path__: '/metrics' } },
      { targets: ['127.0.0.1:40001'], labels: { job: 'toxiproxy', ...run1, __metrics_path__: '/metrics' } },
    ]);
    void reporter.onRecording!({} as never, { dir: '' });
    expect(metrics.targets.groups(undefined)).toEqual([]);
  });
});

/** A RunResult with only what the reporter reads. */
function result(run: { run_id: string; scenario: string; profile: string }, slos: Record<string, boolean>): RunResult {
  return {
    runId: run.run_id,
    profile: run.profile,
    scenario: { name: run.scenario },
    faults: [{ id: 'dispatch-down' }],
    slos: Object.entries(slos).map(([name, passed]) => ({ name, passed })),
  } as unknown as RunResult;
}

describe('serveMetrics', () => {
  it('serves the registry at GET /metrics and the targets at GET /targets on loopback, 404 elsewhere, and stops listening on close', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({ runId: 'r1', scenario: 's', profile: 'p', durationMs: 1, faults: [] });
    reporter.onStack!(stack);
    const server = await serveMetrics(metrics, { port: 0 });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(value(await response.text(), 'faultline_requests_total', { run_id: 'r1', scenario: 's', profile: 'p', outcome: 'ok' })).toBe(0);
    const sd = await fetch(`http://127.0.0.1:${server.port}/targets`);
    expect(sd.headers.get('content-type')).toBe('application/json');
    const groups = (await sd.json()) as { targets: string[]; labels: Record<string, string> }[];
    // The harness names itself by the address the client used.
    expect(groups[0]).toEqual({ targets: [`127.0.0.1:${server.port}`], labels: { job: 'faultline', __metrics_path__: '/metrics' } });
    expect(groups.flatMap((g) => g.targets)).toEqual([`127.0.0.1:${server.port}`, '127.0.0.1:40002', '127.0.0.1:40003', '127.0.0.1:40001']);
    const other = await fetch(`http://127.0.0.1:${server.port}/other`);
    expect(other.status).toBe(404);
    await other.text();

    await server.close();
    await server.close(); // idempotent
    expect(await refused(server.port)).toBe(true);
  });

  it('reports a port already in use as an environment error naming the option', async () => {
    const first = await serveMetrics(createHarnessMetrics(), { port: 0 });
    servers.push(first);
    await expect(serveMetrics(createHarnessMetrics(), { port: first.port })).rejects.toMatchObject({
      code: 'FL_ENVIRONMENT',
      message: expect.stringContaining('--metrics-port'),
    });
  });
});

describe('faultline run --metrics-port', () => {
  function capture() {
    const out = new PassThrough();
    const err = new PassThrough();
    let stderr = '';
    out.resume();
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    return { io: { stdout: out, stderr: err, env: {} }, stderr: () => stderr };
  }

  it('announces where it serves metrics and stops serving when the run ends, even in error', async () => {
    const c = capture();
    // Port 1 on loopback: no Toxiproxy there, an environment error once serving has begun.
    const code = await main(['run', 'dispatch-outage', '--metrics-port', '0', '--toxiproxy', 'http://127.0.0.1:1'], c.io);
    expect(code).toBe(3);
    const port = Number(/harness metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(c.stderr())?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await refused(port)).toBe(true);
  });

  it('serves nothing for a scenario the validation gate rejects', async () => {
    const c = capture();
    expect(await main(['run', 'no-such-scenario', '--metrics-port', '0'], c.io)).toBe(2);
    expect(c.stderr()).not.toContain('harness metrics at');
  });

  it('refuses --metrics-host or --metrics-linger without --metrics-port', async () => {
    const c = capture();
    expect(await main(['run', 'dispatch-outage', '--metrics-host', '0.0.0.0'], c.io)).toBe(2);
    expect(c.stderr()).toContain('need --metrics-port');
  });
});
