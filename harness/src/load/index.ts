/**
 * The built-in open-model load generator (see docs/load.md): requests arrive on the schedule of
 * `spec.stages` whatever the responses do, at most `spec.maxInFlight` at a time (the rest are
 * dropped and counted), and latency is measured from each request's scheduled time.
 */
import type { LoadOutcome, LoadRunOptions } from './run.ts';
import { executeLoad } from './run.ts';

export type { LoadOutcome, LoadRunOptions } from './run.ts';
export type { LiveSecond } from './live.ts';
export type { LatencySummaryMs } from './latency.ts';
export { ArrivalSchedule } from './schedule.ts';

/** Runs the load to the end of its schedule (or until `signal` aborts) and returns what it recorded. */
export function runLoad(options: LoadRunOptions): Promise<LoadOutcome> {
  return executeLoad(options);
}
