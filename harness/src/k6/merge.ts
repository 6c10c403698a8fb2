import type { RequestSample } from '../model/recording.ts';
import type { K6Request } from './ndjson.ts';
import { sampleOfK6Request } from './samples.ts';

/** What one k6 instance's JSON output holds (decodeK6Text). */
export interface K6Output {
  requests: readonly K6Request[];
  droppedEpochMs: readonly number[];
}

/**
 * Several k6 instances' outputs as one recording's samples and dropped arrivals on one timeline
 * (t = 0 at `originEpochMs`), merged by time: samples in end order, as a run records them, and
 * dropped arrivals in time order. Instances on different machines must share a clock (NTP): a
 * Point's time is the machine's wall clock.
 */
export function mergeK6Outputs(
  outputs: readonly K6Output[],
  originEpochMs: number,
  isSuccess: (status: number) => boolean,
  into: { samples: readonly RequestSample[]; dropped: readonly number[] } = { samples: [], dropped: [] },
): { samples: RequestSample[]; dropped: number[] } {
  const samples = [...into.samples];
  const dropped = [...into.dropped];
  for (const output of outputs) {
    for (const request of output.requests) samples.push(sampleOfK6Request(request, originEpochMs, isSuccess));
    for (const atEpochMs of output.droppedEpochMs) dropped.push(atEpochMs - originEpochMs);
  }
  samples.sort((a, b) => a.endMs - b.endMs);
  dropped.sort((a, b) => a - b);
  return { samples, dropped };
}
