import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { mergeK6Outputs } from '../../src/k6/merge.ts';
import { decodeK6Line, decodeK6Text, parseK6Time } from '../../src/k6/ndjson.ts';
import { errorKindOfK6Code, sampleOfK6Request } from '../../src/k6/samples.ts';

// Records in the shapes of k6's output/json (wrapper.go: a Point is {metric, type, data: {time,
// value, tags}}, a Metric is {type, data: {name, type, contains, thresholds, submetrics}, metric}),
// with the tags k6 v0.48 puts on an HTTP request.
const httpTags = (extra: Record<string, string>) => ({
  expected_response: 'true',
  group: '',
  method: 'POST',
  name: 'POST /trips',
  proto: 'HTTP/1.1',
  scenario: 'faultline',
  status: '200',
  url: 'http://gateway:8080/trips',
  ...extra,
});
const point = (metric: string, time: string, value: number, tags: Record<string, string> | null) =>
  JSON.stringify({ metric, type: 'Point', data: { time, value, tags } });
const metricLine = (name: string, type: string, contains: string) =>
  JSON.stringify({ type: 'Metric', data: { name, type, contains, thresholds: [], submetrics: null }, metric: name });

const okLine = point('http_req_duration', '2024-03-01T10:00:01.250500000+01:00', 12.5, httpTags({}));
const refusedLine = point(
  'http_req_duration',
  '2024-03-01T09:00:02Z',
  0.8,
  httpTags({ status: '0', expected_response: 'false', error: 'dial: connection refused', error_code: '1212' }),
);
const where = { file: 'a.ndjson', line: 7 };

describe("reading k6's JSON output", () => {
  it('keeps the sub-millisecond part of a Go time, whatever its zone', () => {
    expect(parseK6Time('2024-03-01T10:00:01.250500000+01:00')).toBe(Date.parse('2024-03-01T09:00:01Z') + 250.5);
    expect(parseK6Time('2024-03-01T09:00:01Z')).toBe(Date.parse('2024-03-01T09:00:01Z'));
    expect(parseK6Time('yesterday')).toBeUndefined();
  });

  it('reads a request from its http_req_duration Point: end time, duration, status and expected_response', () => {
    expect(decodeK6Line(okLine, where)).toEqual({
      kind: 'request',
      request: { endEpochMs: Date.parse('2024-03-01T09:00:01Z') + 250.5, durationMs: 12.5, status: 200, expected: true },
    });
    const refused = decodeK6Line(refusedLine, where);
    expect(refused).toMatchObject({ kind: 'request', request: { status: 0, expected: false, errorCode: 1212 } });
  });

  it('reads a dropped iteration and skips Metric records, the other metrics and requests tagged faultline: ignore', () => {
    expect(decodeK6Line(point('dropped_iterations', '2024-03-01T09:00:03Z', 1, { scenario: 'faultline' }), where)).toEqual({
      kind: 'dropped',
      atEpochMs: Date.parse('2024-03-01T09:00:03Z'),
    });
    expect(decodeK6Line(metricLine('http_req_duration', 'trend', 'time'), where)).toEqual({ kind: 'other' });
    expect(decodeK6Line(point('http_reqs', '2024-03-01T09:00:03Z', 1, httpTags({})), where)).toEqual({ kind: 'other' });
    expect(decodeK6Line(point('vus', '2024-03-01T09:00:03Z', 5, null), where)).toEqual({ kind: 'other' });
    expect(decodeK6Line('', where)).toEqual({ kind: 'other' });
    expect(decodeK6Line(point('http_req_duration', '2024-03-01T09:00:03Z', 3, httpTags({ faultline: 'ignore' })), where)).toEqual({ kind: 'other' });
  });

  it('names the file and line of a malformed record, and what it expected', () => {
    const text = [
      metricLine('http_req_duration', 'trend', 'time'),
      okLine,
      '{"type":"Point","data":',
      point('http_req_duration', 'soon', 3, httpTags({})),
    ].join('\n');
    let caught: unknown;
    try {
      decodeK6Text(text, 'b.ndjson');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const issues = (caught as InputError).issues;
    expect(issues.map((i) => `${i.file}:${i.line}`)).toEqual(['b.ndjson:3', 'b.ndjson:4']);
    expect(issues[0]!.message).toContain('not a JSON record');
    expect(issues[1]!.field).toBe('data.time');
    expect((caught as InputError).message).toContain('b.ndjson:4:1 data.time: expected an RFC 3339 time, got "soon"');
  });

  it('rejects a line that is JSON but not a k6 record', () => {
    expect(() => decodeK6Line('{"hello":"world"}', where)).toThrow(/a\.ndjson:7:1 .*expected a k6 record/);
    expect(() => decodeK6Line(point('http_req_duration', '2024-03-01T09:00:03Z', 3, httpTags({ status: 'teapot' })), where)).toThrow(/data\.tags\.status/);
  });
});

describe('k6 requests as samples', () => {
  it("maps k6's error codes to the built-in generator's error kinds", () => {
    expect(errorKindOfK6Code(1050)).toBe('timeout');
    expect(errorKindOfK6Code(1212)).toBe('connect');
    expect(errorKindOfK6Code(1211)).toBe('connect');
    expect(errorKindOfK6Code(1101)).toBe('connect');
    expect(errorKindOfK6Code(1220)).toBe('reset');
    expect(errorKindOfK6Code(1201)).toBe('reset');
    expect(errorKindOfK6Code(1000)).toBe('other');
    expect(errorKindOfK6Code(undefined)).toBe('other');
  });

  it('places a request on the run timeline from its end time and duration', () => {
    const origin = Date.parse('2024-03-01T09:00:00Z');
    const [ok, refused] = decodeK6Text([okLine, refusedLine].join('\n'), 'a.ndjson').requests;
    expect(sampleOfK6Request(ok!, origin, () => false)).toEqual({ scheduledMs: 1238, sentMs: 1238, endMs: 1250.5, status: 200, ok: true });
    expect(sampleOfK6Request(refused!, origin, () => true)).toMatchObject({ endMs: 2000, status: 0, ok: false, error: 'connect' });
  });

  it('judges a status by expected_response, and by the success statuses when the tag is missing', () => {
    const request = { endEpochMs: 1000, durationMs: 10, status: 503 };
    expect(sampleOfK6Request({ ...request, expected: true }, 0, () => false)).toMatchObject({ ok: true });
    expect(sampleOfK6Request(request, 0, (status) => status < 400)).toMatchObject({ ok: false, error: 'status' });
    expect(sampleOfK6Request(request, 0, (status) => status === 503)).toMatchObject({ ok: true });
  });

  it('merges several instances by time on one timeline', () => {
    const a = { requests: [{ endEpochMs: 1300, durationMs: 5, status: 200, expected: true }], droppedEpochMs: [1900] };
    const b = {
      requests: [
        { endEpochMs: 1100, durationMs: 5, status: 200, expected: true },
        { endEpochMs: 1500, durationMs: 5, status: 500, expected: false },
      ],
      droppedEpochMs: [1200],
    };
    const merged = mergeK6Outputs([a, b], 1000, () => true);
    expect(merged.samples.map((s) => s.endMs)).toEqual([100, 300, 500]);
    expect(merged.samples.map((s) => s.ok)).toEqual([true, true, false]);
    expect(merged.dropped).toEqual([200, 900]);
  });
});
