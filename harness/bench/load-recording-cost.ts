// What recording adds to the response path, measured in isolation (no sockets, so no noise from
// neighbours): per response the run logs one sample, and once a second the live histogram takes
// that second's samples. Histograms for the outcome and sample objects are built after the run.
import { LatencyHistogram } from '../src/load/latency.ts';
import { SampleLog } from '../src/load/samples.ts';

/** Nanoseconds of recording work per request, median of 5 rounds of `perRound` requests. */
export function recordingNsPerRequest(perRound = 200_000): number {
  const rounds: number[] = [];
  for (let round = 0; round < 6; round++) {
    const log = new SampleLog(perRound);
    const live = new LatencyHistogram();
    const startedMs = performance.now();
    for (let i = 0; i < perRound; i++) {
      const scheduledMs = i * 0.1;
      log.push(scheduledMs, scheduledMs + 0.05, scheduledMs + 0.5 + (i % 97) * 0.01, 200, 0);
    }
    log.recordFromScheduled(live);
    rounds.push(((performance.now() - startedMs) * 1e6) / perRound);
  }
  rounds.shift(); // the first round warms the JIT
  return rounds.sort((a, b) => a - b)[2]!;
}
