import type { Recording } from '../model/recording.ts';
import type { Scenario, SloSpec } from '../scenario/model.ts';
import { asyncOutcomes, type AsyncOutcomes } from './async-outcomes.ts';
import { asyncSummary } from './async-summary.ts';
import { coverageOf, coveredPart, describeInterruption, loadReachedMs } from './coverage.ts';
import { BreakerLog } from './breaker-log.ts';
import { breakerSpans } from './breaker-spans.ts';
import { dependencySeries } from './dependency-series.ts';
import { messagingSeries } from './messaging-series.ts';
import { unmeasured, type EvaluationContext, type Measurement, type MetricEvaluator } from './evaluator.ts';
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
  // An interrupted run is measured only over what ran: each window cut at the interruption.
  const reachedMs = loadReachedMs(recording);
  const traffic = new Map<string, WindowTraffic>();
  for (const full of recording.windows) {
    const window = coveredPart(full, reachedMs);
    traffic.set(window.name, { window, full, traffic: trafficIn(recording, window) });
  }
  const scrapes = new ScrapeIndex(recording.scrapes);
  const breakers = new BreakerLog(recording, scrapes);
  const perDependency = dependencySeries(recording.scrapes);
  const outcomes = asyncOutcomes(recording);
  const slos = scenario.slos.map((slo) => evaluateSlo(slo, recording, traffic, { scrapes, breakers, asyncOutcomes: outcomes }, reachedMs));
  const asyncResult = asyncSummary(
    outcomes,
    [...traffic.values()].map((entry) => entry.window),
    reachedMs,
  );
  const messaging = messagingSeries(scrapes, recording.scrapes, reachedMs);
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
    ...(recording.interruption ? { interruption: recording.interruption } : {}),
    reasons,
    windows: [...traffic.values()].map((entry) => windowStats(entry.window, entry.traffic)),
    series: perSecondSeries(recording, reachedMs),
    dependencySeries: perDependency,
    breakerSpans: breakerSpans(recording, breakers, perDependency),
    faults,
    slos,
    environment: recording.environment,
    ...(recording.k6 ? { k6: recording.k6 } : {}),
    ...(asyncResult ? { async: asyncResult } : {}),
    ...(messaging ? { messaging } : {}),
  };
}

interface WindowTraffic {
  /** The part of the window the run covered (all of it unless interrupted). */
  window: NamedWindow;
  full: NamedWindow;
  traffic: Traffic;
}

function evaluateSlo(slo: SloSpec, recording: Recording, traffic: ReadonlyMap<string, WindowTraffic>, service: ServiceSide, reachedMs: number): SloVerdict {
  // The registry is typed per kind; here the metric and its evaluator are known to agree.
  const evaluator = evaluatorFor(slo.metric.kind) as MetricEvaluator;
  const label = evaluator.label(slo.metric);
  const inWindow = traffic.get(slo.window);
  const coverage = inWindow && coverageOf(inWindow.full, reachedMs);
  const where = describeInterruption(recording.interruption ?? { phase: 'load', atMs: reachedMs }, recording.durationMs);
  const verdictOf = (measurement: Measurement) => sloVerdict({ slo, label, unit: evaluator.unit, display: evaluator.display, measurement });
  if (!inWindow) return verdictOf(unmeasured(`window ${slo.window} is not in the recording`));
  if (coverage === 'not-reached') {
    const reason = `window not reached: the run was interrupted ${where}`;
    return {
      ...verdictOf(unmeasured(reason)),
      detail: `${label} not judged: window ${slo.window} was not reached, the run was interrupted ${where}`,
      coverage,
    };
  }
  const judged = verdictOf(evaluator.measure(slo.metric, contextFor(recording, inWindow, traffic.get('baseline')?.traffic, service)));
  if (coverage !== 'partial') return judged;
  // Not judged: a threshold holds for the whole window, and only its start was seen.
  const part = `only ${range(inWindow.window)} of ${range(inWindow.full)} ran`;
  const reason = judged.reason === undefined ? `partial window: ${part}` : `partial window: ${part}; ${judged.reason}`;
  return {
    ...judged,
    passed: false,
    detail: `${judged.detail}; not judged: ${part} of window ${slo.window}, the run was interrupted ${where}`,
    reason,
    coverage,
  };
}

function range(window: NamedWindow): string {
  return `${(window.startMs / 1000).toFixed(1)}–${(window.endMs / 1000).toFixed(1)} s`;
}

function contextFor(recording: Recording, inWindow: WindowTraffic, baseline: Traffic | undefined, service: ServiceSide): EvaluationContext {
  return { recording, window: inWindow.window, traffic: inWindow.traffic, baseline, ...service };
}

/** What the services told (their scrapes and their breakers' transitions), and the async outcomes. */
interface ServiceSide {
  scrapes: ScrapeIndex;
  breakers: BreakerLog;
  asyncOutcomes: AsyncOutcomes;
}
