import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.ts';
import { parsePrometheusText } from '../../src/metrics/parse.ts';

describe('parsePrometheusText', () => {
  it('skips HELP, TYPE, comments and blank lines and reads plain samples', () => {
    const text = ['# HELP up Whether it is up.', '# TYPE up gauge', '', '# just a comment', 'up 1', 'requests_total 1027'].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'requests_total', labels: {}, value: 1027 },
    ]);
  });

  it('reads labels, including an empty set and a trailing comma', () => {
    const samples = parsePrometheusText('a{} 1\nb{x="1",y="two",} 2\nc{ x = "1" , y="2"} 3');
    expect(samples.map((sample) => sample.labels)).toEqual([{}, { x: '1', y: 'two' }, { x: '1', y: '2' }]);
  });

  it('unescapes backslash, double quote and newline in label values', () => {
    const [sample] = parsePrometheusText('m{path="C:\\\\dir",quote="say \\"hi\\"",text="line1\\nline2"} 1');
    expect(sample!.labels).toEqual({ path: 'C:\\dir', quote: 'say "hi"', text: 'line1\nline2' });
  });

  it('keeps commas, braces and spaces inside quoted label values', () => {
    const [sample] = parsePrometheusText('m{route="/a,b {c} d"} 4');
    expect(sample!.labels.route).toBe('/a,b {c} d');
  });

  it('reads +Inf, -Inf, NaN, exponents and signs as values', () => {
    const values = parsePrometheusText('a +Inf\nb -Inf\nc NaN\nd 1.5e3\ne -0.25\nf 7E-2').map((sample) => sample.value);
    expect(values.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(values[2])).toBe(true);
    expect(values.slice(3)).toEqual([1500, -0.25, 0.07]);
  });

  it('ignores an optional timestamp after the value', () => {
    expect(parsePrometheusText('http_requests_total{code="200"} 1027 1395066363000')).toEqual([
      { name: 'http_requests_total', labels: { code: '200' }, value: 1027 },
    ]);
  });

  it('accepts tabs, CRLF line ends and metric names with colons', () => {
    expect(parsePrometheusText('job:rate5m\t3\r\nother 4\r\n')).toEqual([
      { name: 'job:rate5m', labels: {}, value: 3 },
      { name: 'other', labels: {}, value: 4 },
    ]);
  });

  it('keeps a histogram as its _bucket, _sum and _count samples with le="+Inf"', () => {
    const text = ['# TYPE d histogram', 'd_bucket{le="0.1"} 2', 'd_bucket{le="+Inf"} 3', 'd_sum 0.42', 'd_count 3'].join('\n');
    expect(parsePrometheusText(text).map((sample) => [sample.name, sample.labels.le, sample.value])).toEqual([
      ['d_bucket', '0.1', 2],
      ['d_bucket', '+Inf', 3],
      ['d_sum', undefined, 0.42],
      ['d_count', undefined, 3],
    ]);
  });

  it.each([
    ['a value that is not a number', 'm 12abc', "'12abc' is not a number"],
    ['a missing value', 'm{a="b"}', 'expected a value'],
    ['an unterminated label value', 'm{a="b} 1', 'unterminated label value'],
    ['a label without quotes', 'm{a=b} 1', 'expected a quoted label value at column 5'],
    ['text after the timestamp', 'm 1 2 3', 'unexpected text after the value and timestamp'],
    ['a non-integer timestamp', 'm 1 soon', 'expected an integer timestamp'],
    ['a line that is not a sample', '{a="b"} 1', 'expected a metric name'],
  ])('rejects %s with a coded error that names the line and quotes it', (_what, line, why) => {
    const parse = () => parsePrometheusText(`ok 1\n${line}`);
    expect(parse).toThrow(FaultlineError);
    expect(parse).toThrow(`metrics text line 2: ${why}: '${line}'`);
  });

  it('reads the exact output of a prom-client registry', async () => {
    const registry = new Registry();
    const calls = new Counter({ name: 'dependency_calls_total', help: 'Calls.', labelNames: ['service', 'dependency'], registers: [registry] });
    const state = new Gauge({ name: 'circuit_breaker_state', help: 'State.', labelNames: ['service', 'dependency'], registers: [registry] });
    const duration = new Histogram({
      name: 'dependency_request_duration_seconds',
      help: 'Duration "with quotes" and \\ backslash.',
      labelNames: ['service', 'dependency', 'outcome'],
      buckets: [0.05, 0.5],
      registers: [registry],
    });
    const odd = new Gauge({ name: 'odd_labels', help: 'Escapes.', labelNames: ['value'], registers: [registry] });
    calls.inc({ service: 'dispatch', dependency: 'pricing' }, 7);
    state.set({ service: 'dispatch', dependency: 'pricing' }, 1);
    duration.observe({ service: 'dispatch', dependency: 'pricing', outcome: 'success' }, 0.01);
    duration.observe({ service: 'dispatch', dependency: 'pricing', outcome: 'success' }, 0.2);
    duration.observe({ service: 'dispatch', dependency: 'pricing', outcome: 'success' }, 3);
    odd.set({ value: 'a "quoted"\\path\nnext' }, 2);

    const samples = parsePrometheusText(await registry.metrics());
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));

    expect(find('dependency_calls_total')).toEqual({ name: 'dependency_calls_total', labels: { service: 'dispatch', dependency: 'pricing' }, value: 7 });
    expect(find('circuit_breaker_state')?.value).toBe(1);
    expect(find('dependency_request_duration_seconds_bucket', { le: '0.05' })?.value).toBe(1);
    expect(find('dependency_request_duration_seconds_bucket', { le: '0.5' })?.value).toBe(2);
    expect(find('dependency_request_duration_seconds_bucket', { le: '+Inf' })?.value).toBe(3);
    expect(find('dependency_request_duration_seconds_count')?.labels).toEqual({ service: 'dispatch', dependency: 'pricing', outcome: 'success' });
    expect(find('dependency_request_duration_seconds_count')?.value).toBe(3);
    expect(find('dependency_request_duration_seconds_sum')?.value).toBeCloseTo(3.21, 9);
    expect(find('odd_labels')?.labels.value).toBe('a "quoted"\\path\nnext');
  });
});
