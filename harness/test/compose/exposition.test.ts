import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createHarnessMetrics, createMetricsReporter, serveMetrics, type MetricsServer } from '../../src/report/exposition.ts';
import type { RunResult } from '../../src/model/result.ts';

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function second(reqPerSec: number, errors: number, dropped: number, p99Ms: number, latenciesMs?: number[]) {
  return { elapsedMs: 1000, totalMs: 10_000, reqPerSec, errors, dropped, p99Ms, activeFaults: [], ...(latenciesMs ? { latenciesMs } : {}) };
}

/** The value of one series in exposition text, e.g. `faultline_requests_total{…outcome="ok"}`. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the harness metrics reporter', () => {
  it('counts requests by outcome, marks faults on and off, and records SLO verdicts', async () => {
    const metrics = createHarnessMetrics();
    const reporter = createMetricsReporter(metrics);
    reporter.onPlan!({ scenario: 'dispatch-outage', profile: 'resilient', durationMs: 10_000, faults: [{ id: 'dispatch-down', label: 'down', atMs: 3000 }] });
    let text = await metrics.registry.metrics();
    expect(value(text, 'faultline_fault_active{scenario="dispatch-outage",fault="dispatch-down"}')).toBe(0);
    expect(value(text, 'faultline_requests_total{scenario="dispatch-outage",outcome="error"}')).toBe(0);

    reporter.onSecond!(second(100, 3, 2, 40, [10, 20, 40, 700]));
    reporter.onSecond!(second(50, 0, 0, 700, [30, 800]));
    reporter.onSecond!(second(0, 0, 0, 0)); // a progress-only second: nothing to observe
    reporter.onFault!({ id: 'dispatch-down', label: 'down', action: 'apply', atMs: 3000 });
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_requests_total{scenario="dispatch-outage",outcome="ok"}')).toBe(147);
    expect(value(text, 'faultline_requests_total{scenario="dispatch-outage",outcome="error"}')).toBe(3);
    expect(value(text, 'faultline_requests_total{scenario="dispatch-outage",outcome="dropped"}')).toBe(2);
    // Every response is observed, not one p99 per second.
    expect(value(text, 'faultline_request_duration_seconds_count{scenario="dispatch-outage"}')).toBe(6);
    expect(value(text, 'faultline_request_duration_seconds_bucket{le="0.05",scenario="dispatch-outage"}')).toBe(4);
    expect(value(text, 'faultline_request_duration_seconds_bucket{le="0.5",scenario="dispatch-outage"}')).toBe(4);
    expect(value(text, 'faultline_request_duration_seconds_bucket{le="1",scenario="dispatch-outage"}')).toBe(6);
    expect(value(text, 'faultline_request_duration_seconds_sum{scenario="dispatch-outage"}')).toBeCloseTo(1.6, 6);
    expect(value(text, 'faultline_fault_active{scenario="dispatch-outage",fault="dispatch-down"}')).toBe(1);

    reporter.onFault!({ id: 'dispatch-down', label: 'down', action: 'remove', atMs: 8000, error: 'proxy gone' });
    expect(value(await metrics.registry.metrics(), 'faultline_fault_active{scenario="dispatch-outage",fault="dispatch-down"}')).toBe(1);
    const result = {
      scenario: { name: 'dispatch-outage' },
      faults: [{ id: 'dispatch-down' }],
      slos: [
        { name: 'trips keep succeeding', passed: true },
        { name: 'trips stay fast', passed: false },
      ],
    } as unknown as RunResult;
    await reporter.onResult!(result, { dir: '' });
    text = await metrics.registry.metrics();
    expect(value(text, 'faultline_fault_active{scenario="dispatch-outage",fault="dispatch-down"}')).toBe(0);
    expect(value(text, 'faultline_slo_passed{scenario="dispatch-outage",slo="trips keep succeeding"}')).toBe(1);
    expect(value(text, 'faultline_slo_passed{scenario="dispatch-outage",slo="trips stay fast"}')).toBe(0);
  });
});

describe('serveMetrics', () => {
  it('serves the registry at GET /metrics on loopback, 404 elsewhere, and stops listening on close', async () => {
    const metrics = createHarnessMetrics();
    createMetricsReporter(metrics).onPlan!({ scenario: 's', profile: 'p', durationMs: 1, faults: [] });
    const server = await serveMetrics(metrics.registry, { port: 0 });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('faultline_requests_total{scenario="s",outcome="ok"} 0');
    const other = await fetch(`http://127.0.0.1:${server.port}/other`);
    expect(other.status).toBe(404);
    await other.text();

    await server.close();
    await server.close(); // idempotent
    expect(await refused(server.port)).toBe(true);
  });

  it('reports a port already in use as an environment error naming the option', async () => {
    const first = await serveMetrics(createHarnessMetrics().registry, { port: 0 });
    servers.push(first);
    await expect(serveMetrics(createHarnessMetrics().registry, { port: first.port })).rejects.toMatchObject({
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
