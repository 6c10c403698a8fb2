import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RunTargets, type RunLabels } from './discovery.ts';
import type { Reporter } from './reporter.ts';

/**
 * The harness's own Prometheus exposition: what a run is doing right now, for Grafana's
 * "faultline — run" dashboard. Fed by run events only (a reporter like the console one), so it
 * computes nothing analysis should.
 *
 * Every series carries `run_id`, `scenario` and `profile`, not just `scenario`: two runs of one
 * scenario (resilient, then naive) must be two series, or a verdict of 1 followed by a verdict of 0
 * reads as one SLO that flapped. A `faultline_run_info` series to join on would not do: the
 * verdict series would still be one series across runs. `faultline_run_active` marks when each
 * run went on, so panels of series that cannot carry a run id (the compose stack's long-lived
 * services and Toxiproxy) can be restricted to a run's time.
 */
export interface HarnessMetrics {
  registry: Registry;
  requests: Counter<RunLabel | 'outcome'>;
  requestDuration: Histogram<RunLabel>;
  faultActive: Gauge<RunLabel | 'fault'>;
  sloPassed: Gauge<RunLabel | 'slo'>;
  runActive: Gauge<RunLabel>;
  /** What `/targets` (Prometheus http_sd) lists: the current run's services and Toxiproxy. */
  targets: RunTargets;
}

type RunLabel = keyof RunLabels;
const runLabelNames: RunLabel[] = ['run_id', 'scenario', 'profile'];

/** Outcomes of `faultline_requests_total`: `ok` = sent minus errors; `dropped` were never sent. */
export const requestOutcomes = ['ok', 'error', 'dropped'] as const;

const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createHarnessMetrics(): HarnessMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    targets: new RunTargets(),
    requests: new Counter({
      name: 'faultline_requests_total',
      help: 'Load requests of the run, by outcome (ok, error, dropped = not sent, in-flight cap reached).',
      labelNames: [...runLabelNames, 'outcome'],
      registers,
    }),
    // Every response, observed when its second ends (live progress carries each second's
    // latencies), measured from the scheduled send like every latency faultline reports.
    requestDuration: new Histogram({
      name: 'faultline_request_duration_seconds',
      help: 'Latency of each load response (errors included), from its scheduled send time.',
      labelNames: runLabelNames,
      buckets: durationBucketsSeconds,
      registers,
    }),
    faultActive: new Gauge({
      name: 'faultline_fault_active',
      help: 'Whether a planned fault is applied right now (1) or not (0).',
      labelNames: [...runLabelNames, 'fault'],
      registers,
    }),
    sloPassed: new Gauge({
      name: 'faultline_slo_passed',
      help: 'Verdict of each SLO of a finished run: 1 met, 0 missed.',
      labelNames: [...runLabelNames, 'slo'],
      registers,
    }),
    runActive: new Gauge({
      name: 'faultline_run_active',
      help: 'Whether the run is going on (1: from its plan until its verdict) or over (0).',
      labelNames: runLabelNames,
      registers,
    }),
  };
}

/** A run-events reporter that keeps `metrics` current; the run's labels come from onPlan,
 * so one reporter serves several runs in a row (`--all`). */
export function createMetricsReporter(metrics: HarnessMetrics): Reporter {
  let run: RunLabels = { run_id: 'unknown', scenario: 'unknown', profile: 'unknown' };
  let active = false;
  const end = () => {
    if (active) metrics.runActive.labels(run).set(0);
    active = false;
    metrics.targets.retire();
  };
  return {
    name: 'exposition',
    onPlan: (info) => {
      end(); // a run that died before its verdict is over when the next one begins
      run = { run_id: info.runId, scenario: info.scenario, profile: info.profile };
      active = true;
      metrics.runActive.labels(run).set(1);
      // Every series exists from the start, so rate() and the fault timeline begin at 0.
      for (const outcome of requestOutcomes) metrics.requests.labels({ ...run, outcome }).inc(0);
      metrics.requestDuration.zero(run);
      for (const fault of info.faults) metrics.faultActive.labels({ ...run, fault: fault.id }).set(0);
    },
    onStack: (info) => metrics.targets.announce(run, info),
    onSecond: (s) => {
      metrics.requests.labels({ ...run, outcome: 'ok' }).inc(Math.max(0, s.reqPerSec - s.errors));
      metrics.requests.labels({ ...run, outcome: 'error' }).inc(s.errors);
      metrics.requests.labels({ ...run, outcome: 'dropped' }).inc(s.dropped);
      if (s.latenciesMs && s.latenciesMs.length > 0) {
        const histogram = metrics.requestDuration.labels(run);
        for (let i = 0; i < s.latenciesMs.length; i++) histogram.observe(s.latenciesMs[i]! / 1000);
      }
    },
    onFault: (e) => {
      // A failed apply leaves the fault off; a failed remove leaves it on (it may still hold).
      if (e.error) return;
      metrics.faultActive.labels({ ...run, fault: e.id }).set(e.action === 'apply' ? 1 : 0);
    },
    // The system is torn down before the recording is handed over: nothing left to scrape.
    onRecording: () => metrics.targets.retire(),
    onResult: (result) => {
      const labels: RunLabels = { run_id: result.runId, scenario: result.scenario.name, profile: result.profile };
      for (const fault of result.faults) metrics.faultActive.labels({ ...labels, fault: fault.id }).set(0);
      for (const slo of result.slos) metrics.sloPassed.labels({ ...labels, slo: slo.name }).set(slo.passed ? 1 : 0);
      end();
    },
  };
}
