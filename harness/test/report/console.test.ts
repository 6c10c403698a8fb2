import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleMode, createConsoleReporter, type RunEvents } from '../../src/report/index.ts';
import { savedResult } from '../fixtures/recordings.ts';
import { buildRunResult } from './fixtures.ts';

const streams: PassThrough[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.destroy();
});

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  streams.push(stream);
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

/** A short run: plan, start, 12 s of load with a fault from 3 s to 8 s, result. */
function playRun(reporter: RunEvents): void {
  reporter.onPlan?.({
    runId: '20260101T000000Z-aaaaaa',
    scenario: 'dispatch-outage',
    profile: 'resilient',
    durationMs: 12_000,
    faults: [{ id: 'f1', label: 'f1 latency rides -> dispatch', atMs: 3000, forMs: 5000 }],
  });
  reporter.onPhase?.('starting', '3 services');
  reporter.onPhase?.('load', '12.0 s of load');
  for (let second = 1; second <= 12; second++) {
    if (second === 4) reporter.onFault?.({ id: 'f1', label: 'f1 latency rides -> dispatch', action: 'apply', atMs: 3000 });
    if (second === 9) reporter.onFault?.({ id: 'f1', label: 'f1 latency rides -> dispatch', action: 'remove', atMs: 8000 });
    const active = second >= 4 && second <= 8 ? ['f1 latency rides -> dispatch'] : [];
    reporter.onSecond?.({
      elapsedMs: second * 1000,
      totalMs: 12_000,
      reqPerSec: 20,
      p99Ms: active.length ? 640 : 35,
      errors: active.length ? 1 : 0,
      dropped: 0,
      activeFaults: active,
    });
  }
  reporter.onPhase?.('analysing');
  void reporter.onResult?.(buildRunResult(), { dir: 'results/dispatch-outage/x' });
}

describe('the console reporter, interactive', () => {
  it('redraws one status line in place with phase, elapsed/total, req/s, p99, errors/s, dropped/s and active faults', () => {
    const out = capture();
    const reporter = createConsoleReporter({ stream: out.stream, interactive: true, color: false });
    reporter.onPlan?.({ runId: 'r', scenario: 's', profile: 'p', durationMs: 12_000, faults: [] });
    reporter.onPhase?.('load');
    reporter.onFault?.({ id: 'f1', label: 'f1 latency rides -> dispatch', action: 'apply', atMs: 3000 });
    reporter.onSecond?.({
      elapsedMs: 5000,
      totalMs: 12_000,
      reqPerSec: 19.5,
      p99Ms: 640,
      errors: 3,
      dropped: 1,
      activeFaults: ['f1 latency rides -> dispatch'],
    });
    const text = out.text();
    const status = text.slice(text.lastIndexOf('\r\x1b[2K') + 5);
    expect(status).toBe('load       5.0 s/12.0 s  19.5 req/s  p99 640 ms  errors 3/s  dropped 1/s  faults: f1 latency rides -> dispatch');
    expect(status).not.toContain('\n');
  });

  it('prints fault events on their own line above the status line', () => {
    const out = capture();
    playRun(createConsoleReporter({ stream: out.stream, interactive: true, color: false }));
    const text = out.text();
    expect(text).toContain('\r\x1b[2K[3.0 s] fault on  f1 latency rides -> dispatch\n');
    expect(text).toContain('\r\x1b[2K[8.0 s] fault off f1 latency rides -> dispatch\n');
    // the status is redrawn right after the event line
    const afterApply = text.split('[3.0 s] fault on  f1 latency rides -> dispatch\n')[1]!;
    expect(afterApply.startsWith('\r\x1b[2Kload')).toBe(true);
  });

  it('clears the status line and prints the summary with the result folder at the end', () => {
    const out = capture();
    playRun(createConsoleReporter({ stream: out.stream, interactive: true, color: false }));
    const tail = out.text().split('\r\x1b[2K').at(-1)!;
    expect(tail.startsWith('\ndispatch-outage')).toBe(true);
    expect(tail).toContain('FAIL  1 of 4 SLOs missed');
    expect(tail).toContain('Results results/dispatch-outage/x');
  });

  it('cuts the status line to the terminal width so it never wraps', () => {
    const out = capture();
    Object.assign(out.stream, { columns: 40 });
    const reporter = createConsoleReporter({ stream: out.stream, interactive: true, color: true });
    reporter.onSecond?.({ elapsedMs: 5000, totalMs: 12_000, reqPerSec: 19.5, p99Ms: 640, errors: 3, dropped: 1, activeFaults: ['a very long fault label'] });
    const status = out.text().split('\r\x1b[2K').at(-1)!;
    // eslint-disable-next-line no-control-regex -- the ANSI escapes are what is stripped
    expect([...status.replace(/\x1b\[[0-9;]*m/g, '')].length).toBeLessThanOrEqual(39);
  });
});

describe('the console reporter, non-interactive', () => {
  it('never moves the cursor or colours, and prints one line per phase and fault event', () => {
    const out = capture();
    playRun(createConsoleReporter({ stream: out.stream, interactive: false }));
    const text = out.text();
    expect(text).not.toContain('\r');
    expect(text).not.toContain('\x1b');
    const lines = text.split('\n');
    expect(lines).toContain('phase starting: 3 services');
    expect(lines).toContain('phase load: 12.0 s of load');
    expect(lines).toContain('phase analysing');
    expect(lines).toContain('[3.0 s] fault on  f1 latency rides -> dispatch');
    expect(lines).toContain('[8.0 s] fault off f1 latency rides -> dispatch');
    expect(lines).toContain('FAIL  1 of 4 SLOs missed');
  });

  it('prints a progress line about every 5 seconds, not every second', () => {
    const out = capture();
    playRun(createConsoleReporter({ stream: out.stream, interactive: false }));
    const progress = out
      .text()
      .split('\n')
      .filter((l) => /^\[\d+\.\d s\/12\.0 s\]/.test(l));
    expect(progress).toEqual([
      '[5.0 s/12.0 s] 20 req/s  p99 640 ms  errors 0.4/s  dropped 0/s  faults: f1 latency rides -> dispatch',
      '[10.0 s/12.0 s] 20 req/s  p99 35 ms  errors 0.6/s  dropped 0/s',
    ]);
  });

  it('shows rates over the interval since the previous line, never a running total next to req/s', () => {
    const out = capture();
    const reporter = createConsoleReporter({ stream: out.stream, interactive: false, progressEveryMs: 2000 });
    for (let second = 1; second <= 4; second++) {
      reporter.onSecond?.({ elapsedMs: second * 1000, totalMs: 4000, reqPerSec: 30, p99Ms: 10, errors: 30, dropped: second, activeFaults: [] });
    }
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      '[2.0 s/4.0 s] 30 req/s  p99 10 ms  errors 30/s  dropped 1.5/s',
      '[4.0 s/4.0 s] 30 req/s  p99 10 ms  errors 30/s  dropped 3.5/s',
    ]);
  });

  it("shows a fault as active only after its 'fault on' line, and no longer after 'fault off'", () => {
    const out = capture();
    const reporter = createConsoleReporter({ stream: out.stream, interactive: false, progressEveryMs: 1000 });
    const label = 'f1 down trip -> dispatch';
    const second = (n: number) =>
      reporter.onSecond?.({ elapsedMs: n * 1000, totalMs: 5000, reqPerSec: 10, p99Ms: 5, errors: 0, dropped: 0, activeFaults: [label] });
    second(1); // the runner already counts it active while Toxiproxy is still being asked
    reporter.onFault?.({ id: 'f1', label, action: 'apply', atMs: 1200 });
    second(2);
    reporter.onFault?.({ id: 'f1', label, action: 'remove', atMs: 2500 });
    second(3);
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines).toEqual([
      '[1.0 s/5.0 s] 10 req/s  p99 5 ms  errors 0/s  dropped 0/s',
      `[1.2 s] fault on  ${label}`,
      `[2.0 s/5.0 s] 10 req/s  p99 5 ms  errors 0/s  dropped 0/s  faults: ${label}`,
      `[2.5 s] fault off ${label}`,
      '[3.0 s/5.0 s] 10 req/s  p99 5 ms  errors 0/s  dropped 0/s',
    ]);
  });

  it('reports a fault that could not be applied, with the error', () => {
    const out = capture();
    createConsoleReporter({ stream: out.stream, interactive: false }).onFault?.({
      id: 'f2',
      label: 'f2 down dispatch',
      action: 'apply',
      atMs: 4000,
      error: 'proxy not found',
    });
    expect(out.text()).toBe('[4.0 s] fault could not be applied f2 down dispatch: proxy not found\n');
  });

  it('ends a real run with its summary: the saved naive dispatch-outage run, every missed SLO marked', () => {
    const result = savedResult('dispatch-outage-naive');
    const out = capture();
    void createConsoleReporter({ stream: out.stream, interactive: false }).onResult?.(result, { dir: 'results/dispatch-outage/x' });
    const lines = out.text().split('\n');
    const missed = result.slos.filter((s) => !s.passed);
    expect(missed.length).toBeGreaterThan(0);
    expect(lines).toContain(`FAIL  ${missed.length} of ${result.slos.length} SLOs missed`);
    expect(lines.filter((l) => l.startsWith('✗')).map((l) => l.split(/\s{2,}/)[1])).toEqual(missed.map((s) => s.name));
    expect(lines).toContain('Results results/dispatch-outage/x');
  });

  it('leaves the summary to the caller when asked to', () => {
    const out = capture();
    void createConsoleReporter({ stream: out.stream, interactive: false, summary: false }).onResult?.(buildRunResult(), { dir: '' });
    expect(out.text()).toBe('');
  });
});

describe('consoleMode', () => {
  it('is interactive with colour on a TTY outside CI', () => {
    expect(consoleMode({ isTTY: true }, {})).toEqual({ interactive: true, color: true });
  });
  it('is plain when CI is set or the stream is not a TTY', () => {
    expect(consoleMode({ isTTY: true }, { CI: 'true' })).toEqual({ interactive: false, color: false });
    expect(consoleMode({}, {})).toEqual({ interactive: false, color: false });
  });
  it('lets FORCE_COLOR and NO_COLOR decide colour', () => {
    expect(consoleMode({}, { FORCE_COLOR: '1' }).color).toBe(true);
    expect(consoleMode({ isTTY: true }, { NO_COLOR: '1' }).color).toBe(false);
  });
});
