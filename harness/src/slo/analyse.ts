import type { Recording } from '../model/recording.ts';
import type { Scenario, SloSpec } from '../scenario/model.ts';
import { BreakerLog } from './breaker-log.ts';
import { breakerSpans } from './breaker-spans.ts';
import { dependencySeries } from './dependency-series.ts';
import { unmeasured, type EvaluationContext, type MetricEvaluator } from './evaluator.ts';
import { faultEvidence } from './evidence.ts';
import { evaluatorFor } from './metrics/registry.ts';
import { outcomeOf } from './outcome.ts';
import type { RunResult, SloVerdict } from '../model/result.ts';
import { ScrapeIndex } from './scrape-index.ts';
import { perSecondSeries } from './series.ts';
import { trafficIn, type NamedWindow, type Traffic } from './traffic.ts';
import { sloVerdict } from './verdict.ts';
import { windowStats } from './window-stats.ts';

/**
 * Turns what a run observed into its result: window statistics, series, fault evidence, one
 * verdict per SLO and the overall verdict. Pure and deterministic: no I/O, no clock; the same
 * Recording and Scenario always give the same RunResult. Semantics per metric: docs/slos.md.
 */
export function analyse(recording: Recording, scenario: Scenario): RunResult {
  const traffic = new Map<string, { window: NamedWindow; traffic: Traffic }>();
  for (const window of recording.windows) {
    traffic.set(window.name, { window, traffic: trafficIn(recording, window) });
  }
  const scrapes = new ScrapeIndex(recording.scrapes);
  const breakers = new BreakerLog(recording, scrapes);
  const perDependency = dependencySeries(recording.scrapes);
  const slos = scenario.slos.map((slo) => evaluateSlo(slo, recording, traffic, { scrapes, breakers }));
  const faults = faultEvidence(recording.faults, scrapes, recording.durationMs);
  const { verdict, reasons } = outcomeOf(recording, faults, slos);
  return {
    schemaVersion: 1,
    runId: recording.runId,
    scenario: { name: scenario.name, description: scenario.description, hypothesis: scenario.hypothesis, file: scenario.file },
    profile: recording.profile,
    seed: recording.seed,
    timeScale: recording.timeScale,
    startedAt: recording.startedAt,
    durationMs: recording.durationMs,
    status: recording.status,
    verdict,
    reasons,
    windows: [...traffic.values()].map((entry) => windowStats(entry.window, entry.traffic)),
    series: perSecondSeries(recording),
    dependencySeries: perDependency,
    breakerSpans: breakerSpans(recording, breakers, perDependency),
    faults,
    slos,
    environment: recording.environment,
  };
}

function evaluateSlo(
  slo: SloSpec,
  recording: Recording,
  traffic: ReadonlyMap<string, { window: NamedWindow; traffic: Traffic }>,
  service: ServiceSide,
): SloVerdict {
  // The registry is typed per kind; here the metric and its evaluator are known to agree.
  const evaluator = evaluatorFor(slo.metric.kind) as MetricEvaluator;
  const label = evaluator.label(slo.metric);
  const inWindow = traffic.get(slo.window);
  const measurement = inWindow
    ? evaluator.measure(slo.metric, contextFor(recording, inWindow, traffic.get('baseline')?.traffic, service))
    : unmeasured(`window ${slo.window} is not in the recording`);
  return sloVerdict({ slo, label, unit: evaluator.unit, display: evaluator.display, measurement });
}

function contextFor(
  recording: Recording,
  inWindow: { window: NamedWindow; traffic: Traffic },
  baseline: Traffic | undefined,
  service: ServiceSide,
): EvaluationContext {
  return { recording, window: inWindow.window, traffic: inWindow.traffic, baseline, ...service };
}

/** What the services told: their scrapes and their breakers' transitions. */
interface ServiceSide {
  scrapes: ScrapeIndex;
  breakers: BreakerLog;
}
