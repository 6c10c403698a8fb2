import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AsyncTally } from './async-tally.ts';
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
  /** The asynchronous outcomes of a run with an `async:` block, as they happen (AsyncTally). */
  asyncAccepted: Counter<RunLabel>;
  asyncCompleted: Counter<RunLabel>;
  asyncDuplicates: Counter<RunLabel>;
  asyncRedeliveries: Counter<RunLabel>;
  asyncLatency: Histogram<RunLabel>;
  /** What `/targets` (Prometheus http_sd) lists: the current run's services and Toxiproxy. */
  targets: RunTargets;
}

type RunLabel = keyof RunLabels;
const runLabelNames: RunLabel[] = ['run_id', 'scenario', 'profile'];

/** Outcomes of `faultline_requests_total`: `ok` = sent minus errors; `dropped` were never sent. */
export const requestOutcomes = ['ok', 'error', 'dropped'] as const;

const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** End to end through a broker: a backlog after an outage drains in tens of seconds. */
const asyncLatencyBucketsSeconds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

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
    asyncAccepted: new Counter({
      name: 'faultline_async_accepted_total',
      help: 'Requests accepted with an id to follow (async.requestId in a success response), each id once.',
      labelNames: runLabelNames,
      registers,
    }),
    asyncCompleted: new Counter({
      name: 'faultline_async_completed_total',
      help: 'Accepted requests whose first completion message arrived on the async channel.',
      labelNames: runLabelNames,
      registers,
    }),
    asyncDuplicates: new Counter({
      name: 'faultline_async_duplicates_total',
      help: 'Further messages for an accepted request with a new message id: a second side effect.',
      labelNames: runLabelNames,
      registers,
    }),
    asyncRedeliveries: new Counter({
      name: 'faultline_async_redeliveries_total',
      help: 'Messages for an accepted request repeating a message id already seen: the same message again.',
      labelNames: runLabelNames,
      registers,
    }),
    asyncLatency: new Histogram({
      name: 'faultline_async_latency_seconds',
      help: 'End-to-end latency of each completed request: from its scheduled send to its first completion message.',
      labelNames: runLabelNames,
      buckets: asyncLatencyBucketsSeconds,
      registers,
    }),
  };
}

/** A run-events reporter that keeps `metrics` current; the run's labels come from onPlan,
 * so one reporter serves several runs in a row (`--all`). */
export function createMetricsReporter(metrics: HarnessMetrics): Reporter {
  let run: RunLabels = { run_id: 'unknown', scenario: 'unknown', profile: 'unknown' };
  let active = false;
  let tally = new AsyncTally();
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
      tally = new AsyncTally();
      if (info.async) {
        for (const counter of [metrics.asyncAccepted, metrics.asyncCompleted, metrics.asyncDuplicates, metrics.asyncRedeliveries]) counter.labels(run).inc(0);
        metrics.asyncLatency.zero(run);
      }
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
    onAsync: (e) => {
      const step = e.kind === 'accepted' ? tally.accept(e.request) : tally.complete(e.message);
      if (step.accepted) metrics.asyncAccepted.labels(run).inc(step.accepted);
      if (step.completed) metrics.asyncCompleted.labels(run).inc(step.completed);
      if (step.duplicates) metrics.asyncDuplicates.labels(run).inc(step.duplicates);
      if (step.redeliveries) metrics.asyncRedeliveries.labels(run).inc(step.redeliveries);
      for (const ms of step.latenciesMs) metrics.asyncLatency.labels(run).observe(ms / 1000);
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
      tally = new AsyncTally(); // every message of the run is in: what it held is not needed any more
      end();
    },
  };
}
