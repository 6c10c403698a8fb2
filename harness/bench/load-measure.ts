// One measured run of the load generator at a constant rate, and what the benchmark reads from it.
import type { LoadSpec } from '../src/scenario/model.ts';
import { executeLoad } from '../src/load/run.ts';
import type { LoadOutcome } from '../src/load/index.ts';

export interface MeasuredRun {
  rate: number;
  seconds: number;
  outcome: LoadOutcome;
  /** Requests sent in each full 1-second window of the schedule (empty when not recording). */
  sentPerSecond: number[];
  errors: number;
  /** Generator CPU time (user + system) per request sent, in µs. */
  cpuPerRequestUs: number;
  /** Requests sent (each of which completes before the run returns) per second of wall time, drain included. */
  throughputPerSecond: number;
}

export interface RunSettings {
  /** Default 1000. */
  maxInFlight?: number;
  /** Keep samples and histograms; default true. */
  record?: boolean;
  /** Default 5000. */
  timeoutMs?: number;
}

export function constantSpec(rate: number, seconds: number, settings: RunSettings): LoadSpec {
  return {
    target: 'bench',
    method: 'GET',
    path: '/',
    headers: {},
    stages: [{ durationMs: seconds * 1000, fromRate: rate, toRate: rate }],
    maxInFlight: settings.maxInFlight ?? 1000,
    timeoutMs: settings.timeoutMs ?? 5000,
  };
}

export async function measureRun(url: string, rate: number, seconds: number, settings: RunSettings = {}): Promise<MeasuredRun> {
  let sent = 0;
  const cpuBefore = process.cpuUsage();
  const startedMs = performance.now();
  const outcome = await executeLoad({
    baseUrl: url,
    spec: constantSpec(rate, seconds, settings),
    seed: 1,
    record: settings.record ?? true,
    // The runner always asks for live progress, so the benchmark pays for it too.
    onSecond: (second) => {
      sent += second.sent;
    },
  });
  const wallMs = performance.now() - startedMs;
  const cpu = process.cpuUsage(cpuBefore);
  const sentPerSecond = Array.from({ length: seconds }, () => 0);
  let errors = 0;
  for (const sample of outcome.samples) {
    const window = Math.floor(sample.sentMs / 1000);
    if (window < seconds) sentPerSecond[window]!++;
    if (!sample.ok) errors++;
  }
  return {
    rate,
    seconds,
    outcome,
    sentPerSecond: outcome.samples.length > 0 ? sentPerSecond : [],
    errors,
    cpuPerRequestUs: (cpu.user + cpu.system) / Math.max(1, sent),
    throughputPerSecond: (sent / wallMs) * 1000,
  };
}

/** Every 1-second window within ±tolerance of the rate, nothing dropped, no error. */
export function sustained(run: MeasuredRun, tolerance = 0.01): boolean {
  return (
    run.outcome.dropped.length === 0 &&
    run.errors === 0 &&
    run.sentPerSecond.length === run.seconds &&
    run.sentPerSecond.every((count) => Math.abs(count - run.rate) <= run.rate * tolerance)
  );
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
