import type { RequestErrorKind, RequestSample } from '../model/recording.ts';
import type { K6Request } from './ndjson.ts';

/**
 * k6's `error_code` of a request without a response (k6 lib/netext/httpext/error_codes.go) as
 * the recording's error kinds, the classes faultline's own generator uses (load/classify.ts):
 * 1050 request timeout; 11xx DNS and 1210–1213 dial errors (no connection was made, dial
 * timeouts included, as for undici's connect timeout) → connect; 1201 broken pipe and 1220 reset
 * by peer → reset; anything else (1000 generic, 1200 other TCP, TLS, HTTP/2) → other.
 */
export function errorKindOfK6Code(code: number | undefined): RequestErrorKind {
  if (code === 1050) return 'timeout';
  if (code !== undefined && ((code >= 1100 && code < 1200) || (code >= 1210 && code <= 1213))) return 'connect';
  if (code === 1201 || code === 1220) return 'reset';
  return 'other';
}

/**
 * One k6 request as a RequestSample on faultline's timeline (`originEpochMs` is t = 0). k6
 * reports when a request ended and how long it took from the send, not when the open model
 * meant to send it, so `scheduledMs` = `sentMs` here: latency is k6's own (docs/k6.md).
 * Success is k6's `expected_response` tag (the exported script's responseCallback is the load's
 * success statuses); without the tag, `isSuccess(status)` decides.
 */
export function sampleOfK6Request(request: K6Request, originEpochMs: number, isSuccess: (status: number) => boolean): RequestSample {
  const endMs = request.endEpochMs - originEpochMs;
  const sentMs = endMs - request.durationMs;
  const sample: RequestSample = { scheduledMs: sentMs, sentMs, endMs, status: request.status, ok: false };
  if (request.status === 0) sample.error = errorKindOfK6Code(request.errorCode);
  else if (request.expected ?? isSuccess(request.status)) sample.ok = true;
  else sample.error = 'status';
  return sample;
}
