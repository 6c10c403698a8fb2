import { InputError, type InputIssue } from '../errors.ts';
import { formatPath, sourceFromText, type FieldPath } from '../document/source.ts';

/** What faultline reads back from a k6 run. Times in ms, rates 0..1 or per second. */
export interface K6Summary {
  /** `summary-export` = `k6 run --summary-export`; `handle-summary` = the `handleSummary(data)` object. */
  format: 'summary-export' | 'handle-summary';
  /** `state.testRunDurationMs` when present (handleSummary data; newer exports). */
  testRunDurationMs?: number;
  /** `http_req_duration`; undefined when no request was sent. */
  latency?: K6Latency;
  /** `http_req_failed`; undefined when no request was sent. */
  failures?: { rate: number; failedRequests: number; okRequests: number };
  /** `http_reqs`; undefined when no request was sent. */
  requests?: { count: number; ratePerSecond: number };
  /** `dropped_iterations` count; 0 when k6 reported none (it omits the metric then). */
  droppedIterations: number;
  /** Every threshold of every metric, in file order. */
  thresholds: K6ThresholdOutcome[];
  /** True when no threshold failed (also when there are none). */
  thresholdsOk: boolean;
}

export interface K6Latency {
  avgMs: number;
  minMs?: number;
  medMs?: number;
  maxMs: number;
  /** Percentile (as written by k6, e.g. 90, 99.9) → ms, for every `p(N)` k6 reported. */
  percentilesMs: Readonly<Record<string, number>>;
}

export interface K6ThresholdOutcome {
  metric: string;
  /** As written in the script, e.g. `p(90)<500`. */
  expression: string;
  ok: boolean;
}

type Locate = (path: FieldPath, message: string) => InputIssue;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads fields of one document, collecting every problem instead of stopping at the first. */
class Reader {
  readonly issues: InputIssue[] = [];
  constructor(readonly locate: Locate) {}

  number(record: Record<string, unknown>, path: FieldPath, key: string, required: boolean): number | undefined {
    const value = record[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.issues.push(this.locate([...path, key], value === undefined ? 'missing; expected a number' : `expected a number, got ${JSON.stringify(value)}`));
      return undefined;
    }
    return value;
  }

  record(value: unknown, path: FieldPath): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.issues.push(this.locate(path, `expected an object, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`));
    return undefined;
  }
}

/** handleSummary metrics keep their numbers under `values`; summary-export puts them on the metric. */
function metricValues(reader: Reader, metric: Record<string, unknown>, path: FieldPath, format: K6Summary['format']) {
  if (format === 'summary-export') return { values: metric, path };
  const values = reader.record(metric.values, [...path, 'values']);
  return values ? { values, path: [...path, 'values'] } : undefined;
}

function readLatency(reader: Reader, values: Record<string, unknown>, path: FieldPath): K6Latency | undefined {
  const percentilesMs: Record<string, number> = {};
  for (const key of Object.keys(values)) {
    const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(key);
    if (!match) continue;
    const value = reader.number(values, path, key, true);
    if (value !== undefined) percentilesMs[match[1]!] = value;
  }
  const avgMs = reader.number(values, path, 'avg', true);
  const maxMs = reader.number(values, path, 'max', true);
  const minMs = reader.number(values, path, 'min', false);
  const medMs = reader.number(values, path, 'med', false);
  if (avgMs === undefined || maxMs === undefined) return undefined;
  return { avgMs, maxMs, ...(minMs === undefined ? {} : { minMs }), ...(medMs === undefined ? {} : { medMs }), percentilesMs };
}

function readFailures(reader: Reader, values: Record<string, unknown>, path: FieldPath, format: K6Summary['format']): K6Summary['failures'] {
  // A Rate's `passes` counts non-zero samples: for http_req_failed, the failed requests.
  const rate = reader.number(values, path, format === 'summary-export' ? 'value' : 'rate', true);
  const failedRequests = reader.number(values, path, 'passes', true);
  const okRequests = reader.number(values, path, 'fails', true);
  if (rate === undefined || failedRequests === undefined || okRequests === undefined) return undefined;
  if (rate < 0 || rate > 1) reader.issues.push(reader.locate([...path, format === 'summary-export' ? 'value' : 'rate'], `a rate is 0..1, got ${rate}`));
  return { rate, failedRequests, okRequests };
}

function readThresholds(reader: Reader, metric: string, raw: unknown, path: FieldPath, format: K6Summary['format']): K6ThresholdOutcome[] {
  if (raw === undefined) return [];
  const thresholds = reader.record(raw, path);
  if (!thresholds) return [];
  const outcomes: K6ThresholdOutcome[] = [];
  for (const [expression, value] of Object.entries(thresholds)) {
    if (format === 'summary-export') {
      // The legacy export writes `true` for a threshold that FAILED.
      if (typeof value === 'boolean') outcomes.push({ metric, expression, ok: !value });
      else reader.issues.push(reader.locate([...path, expression], `expected true (failed) or false (passed), got ${JSON.stringify(value)}`));
    } else if (isRecord(value) && typeof value.ok === 'boolean') outcomes.push({ metric, expression, ok: value.ok });
    else reader.issues.push(reader.locate([...path, expression], `expected { "ok": true|false }, got ${JSON.stringify(value)}`));
  }
  return outcomes;
}

/** handleSummary data has `type`/`values` per metric; a legacy export has neither. */
function detectFormat(metrics: Record<string, unknown>): K6Summary['format'] {
  return Object.values(metrics).some((metric) => isRecord(metric) && isRecord(metric.values)) ? 'handle-summary' : 'summary-export';
}

/**
 * Reads k6's end-of-test summary: the `--summary-export` JSON or the `handleSummary(data)` object
 * (format detected). Throws InputError listing every malformed field; `locate` turns a field path
 * into a located issue (parseK6SummaryText passes one with real lines and columns).
 */
export function parseK6Summary(
  json: unknown,
  locate: Locate = (path, message) => ({ file: '<k6 summary>', line: 1, column: 1, field: formatPath(path), message }),
): K6Summary {
  const reader = new Reader(locate);
  const root = reader.record(json, []);
  const metrics = root && reader.record(root.metrics, ['metrics']);
  if (!root || !metrics) throw new InputError(reader.issues);
  const format = detectFormat(metrics);
  const summary: K6Summary = { format, droppedIterations: 0, thresholds: [], thresholdsOk: true };
  for (const [name, raw] of Object.entries(metrics)) {
    const path = ['metrics', name];
    const metric = reader.record(raw, path);
    if (!metric) continue;
    summary.thresholds.push(...readThresholds(reader, name, metric.thresholds, [...path, 'thresholds'], format));
    const read = metricValues(reader, metric, path, format);
    if (!read) continue;
    if (name === 'http_req_duration') {
      const latency = readLatency(reader, read.values, read.path);
      if (latency) summary.latency = latency;
    } else if (name === 'http_req_failed') {
      const failures = readFailures(reader, read.values, read.path, format);
      if (failures) summary.failures = failures;
    } else if (name === 'http_reqs') {
      const count = reader.number(read.values, read.path, 'count', true);
      const ratePerSecond = reader.number(read.values, read.path, 'rate', true);
      if (count !== undefined && ratePerSecond !== undefined) summary.requests = { count, ratePerSecond };
    } else if (name === 'dropped_iterations') summary.droppedIterations = reader.number(read.values, read.path, 'count', true) ?? 0;
  }
  const state = isRecord(root.state) ? root.state : undefined;
  const durationMs = state ? reader.number(state, ['state'], 'testRunDurationMs', false) : undefined;
  if (durationMs !== undefined) summary.testRunDurationMs = durationMs;
  if (reader.issues.length > 0) throw new InputError(reader.issues);
  summary.thresholdsOk = summary.thresholds.every((threshold) => threshold.ok);
  return summary;
}

/** parseK6Summary on the text of a summary file, with issues located at `file:line:column`. */
export function parseK6SummaryText(text: string, file: string): K6Summary {
  const source = sourceFromText(file, text);
  if (source.issues.length > 0) throw new InputError(source.issues);
  return parseK6Summary(source.data, (path, message) => source.issue(path, message));
}
