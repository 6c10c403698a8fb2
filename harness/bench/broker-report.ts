// What the broker benchmark reads from its measurements, and the Markdown it prints. Pure.
import { LatencyHistogram } from '../src/load/latency.ts';
import type { MeasureResult } from './broker-client.ts';
import { fixed, median } from './proxy-stats.ts';

/** The target (docs/benchmarks.md): the embedded path adds at most this much p99 over Mosquitto's. */
export const ADDED_P99_TARGET_MS = 5;

export interface LatencySummary {
  /** Rounds pooled. */
  rounds: number;
  sent: number;
  /** Sent and never received within the drain. */
  lost: number;
  dropped: number;
  failed: number;
  duplicates: number;
  /** From the scheduled send, over every round's messages (HdrHistogram, 3 significant digits). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 from the actual send: without the publisher's own lateness. */
  p99FromSentMs: number;
  /** Each round's p99 from the scheduled send. */
  roundP99Ms: number[];
  /** How late the publisher sent at worst, over the rounds (ms): the client process's own stalls. */
  sendLagMaxMs: number;
}

/** This (the benchmark's) process's event-loop delay during a measurement: where the embedded
 * broker runs. During a Mosquitto measurement it idles, so its delay is the machine's noise. */
export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.recordMs(value);
  return histogram;
}

/** Several rounds of one broker at one rate, pooled. */
export function summarise(rounds: readonly MeasureResult[]): LatencySummary {
  const scheduled = histogramOf(rounds.flatMap((r) => r.fromScheduledMs));
  const sent = histogramOf(rounds.flatMap((r) => r.fromSentMs));
  const total = (pick: (r: MeasureResult) => number) => rounds.reduce((sum, r) => sum + pick(r), 0);
  return {
    rounds: rounds.length,
    sent: total((r) => r.sent),
    lost: total((r) => r.sent - r.received),
    dropped: total((r) => r.dropped),
    failed: total((r) => r.failed),
    duplicates: total((r) => r.duplicates),
    p50Ms: scheduled.percentileMs(50),
    p99Ms: scheduled.percentileMs(99),
    maxMs: scheduled.summary().max,
    p99FromSentMs: sent.percentileMs(99),
    roundP99Ms: rounds.map((r) => histogramOf(r.fromScheduledMs).percentileMs(99)),
    sendLagMaxMs: Math.max(0, ...rounds.map((r) => r.sendLagMaxMs)),
  };
}

/**
 * Whether one step of the rate ladder was sustained: every arrival sent (none dropped at the
 * in-flight cap), every publish acknowledged, every message received, and p99 from the
 * scheduled send within `boundMs` — a broker that falls behind builds a queue, and its latency
 * grows with the step instead of staying bounded. Gives the first reason it was not.
 */
export function stepSustained(result: MeasureResult, boundMs: number): { sustained: boolean; why?: string } {
  if (result.dropped > 0) return { sustained: false, why: `${result.dropped} arrivals dropped (in-flight cap)` };
  if (result.failed > 0) return { sustained: false, why: `${result.failed} publishes not acknowledged` };
  if (result.received < result.sent) return { sustained: false, why: `${result.sent - result.received} messages not received` };
  const p99 = histogramOf(result.fromScheduledMs).percentileMs(99);
  if (!(p99 <= boundMs)) return { sustained: false, why: `p99 ${fixed(p99)} ms > ${boundMs} ms` };
  return { sustained: true };
}

/**
 * The target at one rate: embedded p99 − Mosquitto p99 ≤ 5 ms over the pooled rounds, and the
 * embedded path lost nothing. The median of the per-round differences is given beside it: the
 * rounds ran back to back, so one round stalled by the machine moves it less than the pool.
 */
export function latencyVerdict(embedded: LatencySummary, mosquitto: LatencySummary): { addedP99Ms: number; medianRoundAddedP99Ms: number; met: boolean } {
  const addedP99Ms = embedded.p99Ms - mosquitto.p99Ms;
  const medianRoundAddedP99Ms = median(embedded.roundP99Ms.map((p99, i) => p99 - mosquitto.roundP99Ms[i]!));
  return {
    addedP99Ms,
    medianRoundAddedP99Ms,
    met: addedP99Ms <= ADDED_P99_TARGET_MS && embedded.lost === 0 && embedded.dropped === 0 && embedded.failed === 0,
  };
}

export function latencyRow(rate: number, broker: string, s: LatencySummary, loop: LoopDelay): string {
  return `| ${rate} | ${broker} | ${s.sent} | ${s.lost} | ${s.dropped} | ${s.duplicates} | ${fixed(s.p50Ms)} | **${fixed(s.p99Ms)}** | ${fixed(s.maxMs)} | ${fixed(s.p99FromSentMs)} | ${s.roundP99Ms.map((v) => fixed(v)).join(', ')} | ${fixed(s.sendLagMaxMs, 1)} | ${fixed(loop.p99Ms, 1)} / ${fixed(loop.maxMs, 1)} |`;
}

export const LATENCY_HEADER = [
  '| msgs/s | broker | messages | lost | dropped | duplicates | p50 ms | p99 ms | max ms | p99 from send ms | p99 per round ms | publisher late max ms | bench process loop delay p99 / max ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];

export function stepRow(broker: string, rate: number, result: MeasureResult, boundMs: number): string {
  const verdict = stepSustained(result, boundMs);
  const p99 = histogramOf(result.fromScheduledMs).percentileMs(99);
  return `| ${broker} | ${rate} | ${result.sent} | ${result.received} | ${result.dropped} | ${fixed(p99)} | ${fixed(result.sendLagMaxMs)} | ${verdict.sustained ? 'yes' : `no: ${verdict.why!}`} |`;
}

export const STEP_HEADER = [
  '| broker | msgs/s | sent | received | dropped | p99 ms | publisher late max ms | sustained |',
  '|---|---|---|---|---|---|---|---|',
];
