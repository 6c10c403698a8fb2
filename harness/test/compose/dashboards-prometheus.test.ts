import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import type { RunEvents } from '../../src/model/events.ts';
import type { RunResult } from '../../src/model/result.ts';
import { createHarnessMetrics, createMetricsReporter } from '../../src/report/exposition.ts';
import { serveMetrics, type MetricsServer } from '../../src/report/metrics-server.ts';
import { repoPath } from '../../src/util/tsx.ts';
import { dashboardFiles, dataPanels, interpolate, variableQuery, type Dashboard, type VariableChoice } from './dashboard-files.ts';
import { poisonMessages, type PoisonMessages } from './poison-messages.ts';
import { labelValues, prometheusBinary, queryRange, startPrometheus, type PrometheusServer, type RangeSeries } from './prometheus-server.ts';
import { refused } from '../support/ports.ts';

/**
 * Every query of every dashboard panel, executed by a real Prometheus against real runs.
 *
 * Prometheus (Debian's 2.42) scrapes, every second, what the runs expose: the harness's own
 * exposition and — found through the exposition's `/targets` (Prometheus http_sd), since their
 * ports are chosen when a run starts — every service and the embedded Toxiproxy. Two short tours
 * run one after the other, each the only run going on while it goes:
 * - fixtures/dashboard-tour.yaml on `taxi`, `resilient`: a slow gateway link (dropped requests),
 *   dispatch down (breaker open, short circuits, fallbacks), notification slowed past its
 *   bulkhead (queued, rejections), trip answering 503 (errors, 5xx, the services' fault hook);
 * - fixtures/messaging-tour.yaml on `taxi-async`, `retries`: trip cut off from the broker (outbox
 *   pending, publish failures, broker connection down, the async backlog), then the broker's
 *   acknowledgements to dispatch late (publishes again: duplicates, redeliveries, second
 *   drivers), and a few malformed trip.created published by this test (handler retries, drops,
 *   consumer in flight).
 * Then each panel's queries go through `/api/v1/query_range` over the runs' time, with Grafana's
 * variables filled in, three ways: a tour's run selected (each panel must show something that is
 * not 0 for one of the two runs: it honours the selection and its data occurs), everything All
 * (the same), and a run that never happened (every panel must be empty).
 *
 * The panels come from the dashboard files: a panel added later is covered without editing this
 * test; if what it shows happens in neither tour, add a fault to a tour or an exemption below
 * that says why.
 */

/** Panel targets (`<panel title> / <refId>`) whose data legitimately occurs in neither tour. */
const exempt: Record<string, string> = {
  'Messages given up: dead-lettered or dropped / A':
    'only resilient has a dead-letter channel; the messaging tour runs retries, whose messages that fail for good are dropped (target B) and whose consumers handle duplicates again (second drivers) — resilient would skip those and leave the duplicate panels empty instead. Dead-lettering is tested in harness/test/broker/',
};

/** A tour: a scenario file, the faults it applies, and reporters of its own (this test's). */
interface Tour {
  file: string;
  faults: string[];
  extras?: () => RunEvents & { settled?(): Promise<number> };
}

const tours: Tour[] = [
  { file: 'harness/test/compose/fixtures/dashboard-tour.yaml', faults: ['dispatch-down', 'gateway-slow', 'notification-slow', 'trip-503'] },
  {
    file: 'harness/test/compose/fixtures/messaging-tour.yaml',
    faults: ['dispatch-acks-late', 'trip-broker-down'],
    // At 12 s, with the faults: Prometheus scrapes the services by then (see the tour file).
    extras: (): PoisonMessages => poisonMessages({ channel: 'trip.created', atMs: 12_000, count: 20 }),
  },
];
const dashboards = dashboardFiles();
const stepSeconds = 1;

let prometheus: PrometheusServer | undefined;
let harness: MetricsServer | undefined;
/** Each tour's result, in the order of `tours`, and how many poison messages it published. */
const runs: { tour: Tour; result: RunResult; poisoned?: number }[] = [];
/** The runs' time range (unix seconds), as Grafana's time picker would hold it. */
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

/** Grafana's choices for a run selected. */
function selected(result: RunResult): Record<string, VariableChoice> {
  return { run: { value: result.runId }, scenario: { value: result.scenario.name }, profile: { value: result.profile } };
}

/** The runs, once Prometheus is there. */
function tourRuns(): typeof runs {
  prom();
  return runs;
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
  // One reporter for both runs, as for `faultline run --all`: each run's series carry its id.
  const exposition = createMetricsReporter(metrics);
  for (const tour of tours) {
    const extras = tour.extras?.();
    const { result } = await runScenario({ scenario: repoPath(tour.file), outDir: false, reporters: [exposition, ...(extras ? [extras] : [])] });
    const poisoned = await extras?.settled?.();
    runs.push({ tour, result, ...(poisoned === undefined ? {} : { poisoned }) });
    // The verdicts are set when the run ends: wait until Prometheus has scraped them.
    const verdicts = `faultline_slo_passed{run_id="${result.runId}"}`;
    const scraped = await eventually(
      async () => (await queryRange(prom().url, verdicts, { start: window.start, end: Date.now() / 1000, stepSeconds })).length === result.slos.length,
      15_000,
    );
    if (!scraped) throw new Error(`Prometheus never scraped the ${result.slos.length} verdicts of run ${result.runId}`);
  }
  window.end = Math.ceil(Date.now() / 1000) + 1;
}, 200_000);

afterAll(async () => {
  await harness?.close();
  await prometheus?.stop();
}, 20_000);

describe('runs scraped by a real Prometheus', () => {
  // Not a skip: without Prometheus the dashboards go unchecked, so this fails until it is installed.
  it("has Debian's prometheus package installed", () => {
    expect(existsSync(prometheusBinary), missing).toBe(true);
  });

  it('ran each tour to its end, every fault applied, and published the poison messages', () => {
    expect(tourRuns().map((r) => r.tour.file)).toEqual(tours.map((t) => t.file));
    for (const { tour, result, poisoned } of tourRuns()) {
      expect(result.status, tour.file).toBe('completed');
      expect(result.faults.map((f) => f.id).sort(), tour.file).toEqual(tour.faults);
      if (tour.extras) expect(poisoned, tour.file).toBe(20);
    }
  });

  it("discovered each run's five services and its embedded Toxiproxy through /targets, and scraped them labelled with the run", async () => {
    for (const { result } of tourRuns()) {
      const up = await queryRange(prom().url, `max by (job, instance, run_id, scenario, profile) (up{run_id="${result.runId}"}) == 1`, {
        ...window,
        stepSeconds,
      });
      // The broker is no target: it serves no /metrics (the services' messaging metrics describe it).
      const jobs = up.map((s) => s.metric['job']).sort();
      expect(jobs, result.scenario.name).toEqual(['services', 'services', 'services', 'services', 'services', 'toxiproxy']);
      for (const s of up) expect(s.metric).toMatchObject({ scenario: result.scenario.name, profile: result.profile });
    }
    const self = await queryRange(prom().url, 'up{job="faultline"} == 1', { ...window, stepSeconds });
    expect(self.map((s) => s.metric['instance'])).toEqual([`127.0.0.1:${harness!.port}`]);
  });

  it("lists each run in each dashboard's scenario, profile and run variables", async () => {
    for (const { result } of tourRuns()) {
      for (const { dashboard } of dashboards) {
        for (const variable of dashboard.templating.list.filter((v) => ['scenario', 'profile', 'run'].includes(v.name))) {
          const [, metric, label] = /^label_values\((.*),\s*(\w+)\)$/.exec(variableQuery(variable))!;
          const values = await labelValues(prom().url, label!, interpolate(metric!, dashboard, {}, 60), window);
          const expected = { scenario: result.scenario.name, profile: result.profile, run: result.runId }[variable.name];
          expect(values, `${dashboard.title}: $${variable.name}`).toContain(expected);
        }
      }
    }
  });

  it("marks each run's faults on both dashboards (annotations)", async () => {
    for (const { tour, result } of tourRuns()) {
      for (const { dashboard } of dashboards) {
        for (const annotation of dashboard.annotations.list.filter((a) => a.expr)) {
          const series = await panelSeries(dashboard, annotation.expr!, selected(result));
          expect(series.map((s) => s.metric['fault']).sort(), `${dashboard.title}: ${annotation.name}`).toEqual(tour.faults);
        }
      }
    }
  });

  it("exposed the messaging run's asynchronous outcomes live, ending on the numbers of its analysis", async () => {
    const { result } = tourRuns().find((r) => r.result.async)!;
    const whole = result.async!.windows.find((w) => w.name === 'whole')!;
    const run = `{run_id="${result.runId}"}`;
    /** The values of the one series `expr` selects, over the runs' time. */
    const values = async (expr: string) => {
      const [series] = await queryRange(prom().url, expr, { ...window, stepSeconds });
      return series ? series.values.map(([, v]) => Number(v)) : [];
    };
    const completed = await values(`faultline_async_completed_total${run}`);
    // Live: the count rose over many scrapes while the run went on, not in one step at its end.
    expect(new Set(completed).size).toBeGreaterThan(5);
    expect({
      accepted: (await values(`faultline_async_accepted_total${run}`)).at(-1),
      completed: completed.at(-1),
      duplicates: (await values(`faultline_async_duplicates_total${run}`)).at(-1),
      redeliveries: (await values(`faultline_async_redeliveries_total${run}`)).at(-1),
      latencies: (await values(`faultline_async_latency_seconds_count${run}`)).at(-1),
    }).toEqual({
      accepted: whole.accepted,
      completed: whole.completed,
      duplicates: whole.duplicates,
      redeliveries: whole.redeliveries,
      latencies: whole.completed,
    });
    // The tour makes every one of them move (else the comparison above proves little).
    expect(Math.min(whole.accepted, whole.completed, whole.duplicates, whole.redeliveries)).toBeGreaterThan(0);
  });
});

describe('every dashboard panel, the run of a tour selected', () => {
  it.each(targets.map((t) => [`${t.file} › ${t.key}`, t] as const))('%s shows data for one of the runs', async (_name, { dashboard, target, key }) => {
    const shown: string[] = [];
    let any = false;
    for (const { result } of tourRuns()) {
      const series = await panelSeries(dashboard, target.expr, selected(result));
      any ||= hasNonZero(series);
      shown.push(`${result.scenario.name} (${result.runId}):\n${describeSeries(series)}`);
    }
    // Exempt targets are queried all the same (a query Prometheus rejects fails above), and must
    // really show nothing: an exemption whose reason no longer holds is dropped.
    if (key in exempt) return expect(any, `${key} is exempt (${exempt[key]}) but shows data`).toBe(false);
    expect(any, `${key}\n${target.expr}\n${shown.join('\n')}`).toBe(true);
  });
});

describe('every dashboard panel, every variable All', () => {
  it.each(targets.map((t) => [`${t.file} › ${t.key}`, t] as const))('%s shows data', async (_name, { dashboard, target, key }) => {
    tourRuns();
    const series = await panelSeries(dashboard, target.expr, {});
    if (key in exempt) return expect(hasNonZero(series), `${key} is exempt (${exempt[key]}) but shows data`).toBe(false);
    expect(hasNonZero(series), `${key}\n${target.expr}\n${describeSeries(series)}`).toBe(true);
  });
});

describe('every dashboard panel, a run that never happened selected', () => {
  it.each(targets.map((t) => [`${t.file} › ${t.key}`, t] as const))('%s is empty', async (_name, { dashboard, target }) => {
    const { result } = tourRuns()[0]!;
    const series = await panelSeries(dashboard, target.expr, { ...selected(result), run: { value: '20000101T000000Z-000000' } });
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
