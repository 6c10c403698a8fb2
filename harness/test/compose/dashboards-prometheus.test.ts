import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import type { RunResult } from '../../src/model/result.ts';
import { createHarnessMetrics, createMetricsReporter } from '../../src/report/exposition.ts';
import { serveMetrics, type MetricsServer } from '../../src/report/metrics-server.ts';
import { repoPath } from '../../src/util/tsx.ts';
import { dashboardFiles, dataPanels, interpolate, variableQuery, type Dashboard, type VariableChoice } from './dashboard-files.ts';
import { labelValues, prometheusBinary, queryRange, startPrometheus, type PrometheusServer, type RangeSeries } from './prometheus-server.ts';
import { refused } from '../support/ports.ts';

/**
 * Every query of every dashboard panel, executed by a real Prometheus against a real run.
 *
 * Prometheus (Debian's 2.42) scrapes, every second, what the run exposes: the harness's own
 * exposition and — found through the exposition's `/targets` (Prometheus http_sd), since their
 * ports are chosen when the run starts — every service and the embedded Toxiproxy. The run is a
 * short tour (fixtures/dashboard-tour.yaml) on the `resilient` profile: a slow gateway link
 * (dropped requests), dispatch down (breaker open, short circuits, fallbacks), notification
 * slowed past its bulkhead (queued, rejections), trip answering 503 (errors, 5xx, the services'
 * fault hook). Then each panel's queries go through `/api/v1/query_range` over the
 * run's time, with Grafana's variables filled in, three ways: this run selected (each panel must
 * show something that is not 0), everything All (the same), and a run that never happened
 * (every panel must be empty: each honours the run selector).
 *
 * The panels come from the dashboard files: a panel added later is covered without editing this
 * test; if what it shows does not happen in the tour, add a fault to the tour or an exemption
 * below that says why.
 */

/** Panel targets (`<panel title> / <refId>`) whose data legitimately does not occur in the tour. */
const exempt: Record<string, string> = {
  'Duplicate side effects / A':
    'resilient sends idempotency keys, so no side effect is ever performed twice; only the naive `retries` profile duplicates, and it has no breaker or bulkhead for the rest of the tour',
};

const scenarioFile = repoPath('harness/test/compose/fixtures/dashboard-tour.yaml');
const dashboards = dashboardFiles();
const stepSeconds = 1;

let prometheus: PrometheusServer | undefined;
let harness: MetricsServer | undefined;
let result: RunResult | undefined;
/** The run's time range (unix seconds), as Grafana's time picker would hold it. */
const window = { start: 0, end: 0 };

function hasNonZero(series: readonly RangeSeries[]): boolean {
  return series.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v)) && Number(v) !== 0));
}

function describeSeries(series: readonly RangeSeries[]): string {
  return series.length === 0
    ? 'no series'
    : series.map((s) => `${JSON.stringify(s.metric)}: ${s.values.length} samples, max ${Math.max(...s.values.map(([, v]) => Number(v)))}`).join('\n');
}

/** Polls until `check` is true (the last scrapes land within a few seconds). */
async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return check();
}

/** Grafana's choices for "this run selected". */
function thisRun(): Record<string, VariableChoice> {
  prom();
  return { run: { value: result!.runId }, scenario: { value: result!.scenario.name }, profile: { value: result!.profile } };
}

async function panelSeries(d: Dashboard, expr: string, choices: Record<string, VariableChoice>): Promise<RangeSeries[]> {
  return queryRange(prom().url, interpolate(expr, d, choices, Math.ceil(window.end - window.start)), { ...window, stepSeconds });
}

/** Every shown target of every data panel, by dashboard. */
const targets = dashboards.flatMap(({ file, dashboard }) =>
  dataPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).filter((t) => !t.hide).map((target) => ({ file, dashboard, panel, target, key: `${panel.title} / ${target.refId}` })),
  ),
);

const missing = `${prometheusBinary} is missing: install Debian's prometheus package (apt-get install -y prometheus)`;

/** The running Prometheus; without one every test fails saying why (none is skipped). */
function prom(): PrometheusServer {
  if (!prometheus) throw new Error(existsSync(prometheusBinary) ? 'Prometheus did not start (see the beforeAll error)' : missing);
  return prometheus;
}

beforeAll(async () => {
  // Without the binary the hook returns and every test fails with `missing` (a hook that throws
  // would mark them skipped).
  if (!existsSync(prometheusBinary)) return;
  const metrics = createHarnessMetrics();
  harness = await serveMetrics(metrics, { port: 0 });
  // Everything every second; the job names come from the discovered groups (services, toxiproxy, faultline).
  prometheus = await startPrometheus(
    [
      'global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s}',
      'scrape_configs:',
      '  - job_name: faultline-run',
      '    honor_labels: true',
      '    http_sd_configs:',
      `      - {url: 'http://127.0.0.1:${harness.port}/targets', refresh_interval: 1s}`,
      '',
    ].join('\n'),
  );
  window.start = Math.floor(Date.now() / 1000) - 1;
  ({ result } = await runScenario({ scenario: scenarioFile, outDir: false, reporters: [createMetricsReporter(metrics)] }));
  // The verdicts are set when the run ends: wait until Prometheus has scraped them.
  const verdicts = `faultline_slo_passed{run_id="${result.runId}"}`;
  const scraped = await eventually(
    async () => (await queryRange(prom().url, verdicts, { start: window.start, end: Date.now() / 1000, stepSeconds })).length === result!.slos.length,
    15_000,
  );
  if (!scraped) throw new Error(`Prometheus never scraped the ${result.slos.length} verdicts of run ${result.runId}`);
  window.end = Math.ceil(Date.now() / 1000) + 1;
}, 110_000);

afterAll(async () => {
  await harness?.close();
  await prometheus?.stop();
}, 20_000);

describe('a run scraped by a real Prometheus', () => {
  // Not a skip: without Prometheus the dashboards go unchecked, so this fails until it is installed.
  it("has Debian's prometheus package installed", () => {
    expect(existsSync(prometheusBinary), missing).toBe(true);
  });

  it('ran the tour to its end, every fault applied', () => {
    prom();
    expect(result!.status).toBe('completed');
    expect(result!.faults.map((f) => f.id).sort()).toEqual(['dispatch-down', 'gateway-slow', 'notification-slow', 'trip-503']);
  });

  it("discovered the run's five services and its embedded Toxiproxy through /targets, and scraped them labelled with the run", async () => {
    const up = await queryRange(prom().url, `max by (job, instance, run_id, scenario, profile) (up{run_id="${result!.runId}"}) == 1`, {
      ...window,
      stepSeconds,
    });
    const jobs = up.map((s) => s.metric['job']).sort();
    expect(jobs).toEqual(['services', 'services', 'services', 'services', 'services', 'toxiproxy']);
    for (const s of up) expect(s.metric).toMatchObject({ scenario: 'dashboard-tour', profile: 'resilient' });
    const self = await queryRange(prom().url, 'up{job="faultline"} == 1', { ...window, stepSeconds });
    expect(self.map((s) => s.metric['instance'])).toEqual([`127.0.0.1:${harness!.port}`]);
  });

  it("lists the run in each dashboard's scenario, profile and run variables", async () => {
    for (const { dashboard } of dashboards) {
      for (const variable of dashboard.templating.list.filter((v) => ['scenario', 'profile', 'run'].includes(v.name))) {
        const [, metric, label] = /^label_values\((.*),\s*(\w+)\)$/.exec(variableQuery(variable))!;
        const values = await labelValues(prom().url, label!, interpolate(metric!, dashboard, {}, 60), window);
        const expected = { scenario: result!.scenario.name, profile: result!.profile, run: result!.runId }[variable.name];
        expect(values, `${dashboard.title}: $${variable.name}`).toContain(expected);
      }
    }
  });

  it('marks the faults on both dashboards (annotations)', async () => {
    for (const { dashboard } of dashboards) {
      for (const annotation of dashboard.annotations.list.filter((a) => a.expr)) {
        const series = await panelSeries(dashboard, annotation.expr!, thisRun());
        expect(series.map((s) => s.metric['fault']).sort(), `${dashboard.title}: ${annotation.name}`).toEqual([
          'dispatch-down',
          'gateway-slow',
          'notification-slow',
          'trip-503',
        ]);
      }
    }
  });
});

describe.each([
  ['this run selected', thisRun],
  ['every variable All', () => ({})],
])('every dashboard panel, %s', (_how, choices) => {
  it.each(targets.map((t) => [`${t.file} › ${t.key}`, t] as const))('%s shows data', async (_name, { dashboard, target, key }) => {
    const series = await panelSeries(dashboard, target.expr, choices());
    // Exempt targets are queried all the same (a query Prometheus rejects fails above), and must
    // really show nothing: an exemption whose reason no longer holds is dropped.
    if (key in exempt) return expect(hasNonZero(series), `${key} is exempt (${exempt[key]}) but shows data`).toBe(false);
    expect(hasNonZero(series), `${key}\n${target.expr}\n${describeSeries(series)}`).toBe(true);
  });
});

describe('every dashboard panel, a run that never happened selected', () => {
  it.each(targets.map((t) => [`${t.file} › ${t.key}`, t] as const))('%s is empty', async (_name, { dashboard, target }) => {
    const series = await panelSeries(dashboard, target.expr, { ...thisRun(), run: { value: '20000101T000000Z-000000' } });
    expect(series, target.expr).toEqual([]);
  });
});

describe('the exemptions', () => {
  it('name panel targets that exist', () => {
    for (const key of Object.keys(exempt)) expect(targets.map((t) => t.key)).toContain(key);
  });
});

describe('after the run', () => {
  it('leaves nothing running: Prometheus has exited, the harness exposition and the run stopped listening', async () => {
    const server = prom();
    await harness!.close();
    await server.stop();
    const child = server.process;
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    expect(await refused(harness!.port)).toBe(true);
    expect(await refused(Number(new URL(server.url).port))).toBe(true);
  });
});
