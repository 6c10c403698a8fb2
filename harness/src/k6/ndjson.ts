import { InputError, type InputIssue } from '../errors.ts';

/**
 * k6's `--out json=FILE` stream, one JSON record per line (k6 docs, "Results output → JSON"):
 *   {"type":"Metric","data":{"name":…,"type":"trend","contains":"time","thresholds":[…],"submetrics":…},"metric":"http_req_duration"}
 *   {"metric":"http_req_duration","type":"Point","data":{"time":"2024-…Z","value":12.3,"tags":{…}}}
 * faultline reads three metrics from it (docs/k6.md): one `http_req_duration` Point per request
 * (its time is when the request ended, its value the duration in ms, its tags the status,
 * `expected_response` and, for a request that got no response, `error_code`) unless it is tagged
 * `faultline: ignore`, and one
 * `dropped_iterations` Point per iteration k6 skipped. Every other record is checked for shape
 * and skipped.
 */

/** One request as k6 reported it. Epoch times in ms (with k6's sub-ms precision). */
export interface K6Request {
  endEpochMs: number;
  durationMs: number;
  /** HTTP status; 0 when there was no response. */
  status: number;
  /** k6's `expected_response` tag; undefined when the script's requests lack it. */
  expected?: boolean;
  /** k6's `error_code` tag (e.g. 1212 connection refused); undefined when absent or empty. */
  errorCode?: number;
}

export type K6Record = { kind: 'request'; request: K6Request } | { kind: 'dropped'; atEpochMs: number } | { kind: 'other' };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** Go's RFC 3339 time with up to nanoseconds (`2017-05-09T14:34:45.625742514+02:00`) as epoch ms,
 * keeping the fraction Date.parse would cut to milliseconds. Undefined when it is not one. */
export function parseK6Time(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]!}${match[3]!}`);
  if (Number.isNaN(whole)) return undefined;
  return whole + (match[2] ? Number(match[2]) * 1000 : 0);
}

/** Where a line's problem is, as a located issue (column 1: a line is one record). */
export type LineLocation = { file: string; line: number };

function issue(where: LineLocation, field: string, message: string): InputIssue {
  return { file: where.file, line: where.line, column: 1, field, message };
}

/**
 * Decodes one line of k6's JSON output. Empty lines are `other`; a line that is not one of
 * k6's records throws InputError located at `file:line`.
 */
export function decodeK6Line(text: string, where: LineLocation): K6Record {
  if (text.trim() === '') return { kind: 'other' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError([issue(where, '', `not a JSON record (${(error as Error).message}); expected one k6 --out json record per line`)]);
  }
  if (!isRecord(json) || typeof json.metric !== 'string' || (json.type !== 'Point' && json.type !== 'Metric') || !isRecord(json.data))
    throw new InputError([issue(where, '', 'expected a k6 record {"type":"Point"|"Metric","metric":…,"data":{…}}')]);
  if (json.type === 'Metric') return { kind: 'other' };
  const { data, metric } = json;
  if (metric !== 'http_req_duration' && metric !== 'dropped_iterations') return { kind: 'other' };
  const epochMs = typeof data.time === 'string' ? parseK6Time(data.time) : undefined;
  if (epochMs === undefined) throw new InputError([issue(where, 'data.time', `expected an RFC 3339 time, got ${JSON.stringify(data.time)}`)]);
  if (typeof data.value !== 'number' || !Number.isFinite(data.value))
    throw new InputError([issue(where, 'data.value', `expected a number, got ${JSON.stringify(data.value)}`)]);
  if (metric === 'dropped_iterations') return { kind: 'dropped', atEpochMs: epochMs };
  const tags = isRecord(data.tags) ? data.tags : {};
  // A user's script tags the requests that are not the scenario's load (a login in setup()).
  if (tags.faultline === 'ignore') return { kind: 'other' };
  const status = Number(tags.status ?? 0);
  if (!Number.isInteger(status) || status < 0 || status > 999)
    throw new InputError([issue(where, 'data.tags.status', `expected an HTTP status, got ${JSON.stringify(tags.status)}`)]);
  const request: K6Request = { endEpochMs: epochMs, durationMs: data.value, status };
  if (tags.expected_response === 'true' || tags.expected_response === 'false') request.expected = tags.expected_response === 'true';
  const errorCode = Number(tags.error_code);
  if (typeof tags.error_code === 'string' && tags.error_code !== '' && Number.isInteger(errorCode)) request.errorCode = errorCode;
  return { kind: 'request', request };
}

/** Every request and dropped iteration of a whole k6 JSON file, in file order. */
export function decodeK6Text(text: string, file: string): { requests: K6Request[]; droppedEpochMs: number[] } {
  const requests: K6Request[] = [];
  const droppedEpochMs: number[] = [];
  const issues: InputIssue[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    try {
      const record = decodeK6Line(lines[i]!, { file, line: i + 1 });
      if (record.kind === 'request') requests.push(record.request);
      else if (record.kind === 'dropped') droppedEpochMs.push(record.atEpochMs);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      issues.push(...error.issues);
      if (issues.length >= 20) break; // a file of another format: the first lines say enough
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return { requests, droppedEpochMs };
}
