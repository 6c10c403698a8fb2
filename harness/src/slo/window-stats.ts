import type { RequestErrorKind, RequestSample } from '../model/recording.ts';
import { summariseLatency } from './latency.ts';
import type { WindowStats } from '../model/result.ts';
import type { NamedWindow, Traffic } from './traffic.ts';

const ERROR_KINDS: readonly RequestErrorKind[] = ['status', 'timeout', 'connect', 'reset', 'other'];

/** The kind of a failed sample; a failure recorded without a kind is `status` when a response
 * arrived, `other` otherwise. */
export function errorKindOf(sample: RequestSample): RequestErrorKind {
  return sample.error ?? (sample.status > 0 ? 'status' : 'other');
}

/** Summary of one window: counts, errors by kind (every kind present, 0 included, for a stable
 * shape), drops, throughput of successful responses and the latency summary. */
export function windowStats(window: NamedWindow, traffic: Traffic): WindowStats {
  const errorsByKind: Record<string, number> = Object.fromEntries(ERROR_KINDS.map((kind) => [kind, 0]));
  for (const sample of traffic.samples) {
    if (!sample.ok) errorsByKind[errorKindOf(sample)]! += 1;
  }
  const seconds = (window.endMs - window.startMs) / 1000;
  return {
    name: window.name,
    startMs: window.startMs,
    endMs: window.endMs,
    requests: traffic.samples.length,
    ok: traffic.okCount,
    errors: traffic.samples.length - traffic.okCount,
    errorsByKind,
    dropped: traffic.droppedCount,
    throughput: seconds > 0 ? traffic.okCount / seconds : 0,
    latency: summariseLatency(traffic.latencies),
  };
}
