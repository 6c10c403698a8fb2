import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.ts';
import { CHART } from '../../src/report/html/chart.ts';
import { MIN_SPAN_WIDTH } from '../../src/report/html/breaker.ts';
import { renderHtml, writeHtml } from '../../src/report/index.ts';
import type { RunResult } from '../../src/model/result.ts';
import { savedResult, savedRunNames } from '../fixtures/recordings.ts';
import { buildRunResult, inconclusiveResult, passingResult } from './fixtures.ts';
import { parseXml } from './xml-checker.ts';

/** Where time `ms` lands on a chart of a 30 s run, from the chart geometry. */
const x = (ms: number, durationMs = 30_000) => CHART.left + (ms / durationMs) * (CHART.width - CHART.left - CHART.right);

function faultRects(html: string): { fromMs: number; toMs: number; x: number; width: number }[] {
  return [...html.matchAll(/<rect class="fault" data-from-ms="(\d+)" data-to-ms="(\d+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => ({
    fromMs: Number(m[1]),
    toMs: Number(m[2]),
    x: Number(m[3]),
    width: Number(m[4]),
  }));
}

describe('renderHtml', () => {
  it('is one self-contained document: no script, no network references, no external stylesheet', () => {
    const html = renderHtml([buildRunResult()]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href|xlink:href)\s*=/i);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).toContain('<style>');
  });

  it('shows a user-supplied URL (an external Toxiproxy) as text only', () => {
    const base = buildRunResult();
    const html = renderHtml([buildRunResult({ environment: { ...base.environment, toxiproxy: 'http://toxiproxy:8474' } })]);
    expect(html).toContain('<dd>http://toxiproxy:8474</dd>');
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
  });

  it('escapes every user-written string', () => {
    const evil = `<script>alert("x")</script> & 'q'`;
    const base = buildRunResult();
    const html = renderHtml([
      buildRunResult({
        scenario: { ...base.scenario, name: evil, description: evil, hypothesis: evil },
        profile: evil,
        reasons: [evil],
        slos: base.slos.map((s) => ({ ...s, name: evil, expression: evil, detail: evil })),
        faults: base.faults.map((f) => ({ ...f, id: evil, target: evil, error: evil })),
        dependencySeries: base.dependencySeries.map((p) => ({ ...p, service: evil })),
      }),
    ]);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain(`'q'`);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;');
  });

  it('leads with the verdict and the SLO table with measured, threshold and margin', () => {
    const html = renderHtml([buildRunResult()]);
    expect(html).toContain('<span class="verdict fail">FAIL</span>');
    expect(html).toMatch(
      /error rate<div class="expr">error_rate &lt; 1%<\/div><\/td><td>whole<\/td><td class="num">5.32 %<\/td><td class="num">&lt; 1.00 %<\/td><td class="num fail">-4.32 %<\/td>/,
    );
  });

  it('draws an SVG per chart: throughput, latency, breaker state and retry amplification', () => {
    const html = renderHtml([buildRunResult()]);
    expect(html.match(/<svg /g)).toHaveLength(4);
    for (const caption of [
      'Throughput, errors and dropped requests per second',
      'Latency from scheduled send (p50, p99)',
      'Circuit-breaker state',
      'Retry amplification',
    ]) {
      expect(html).toContain(`<figcaption>${caption}`);
    }
  });

  it('shades each fault over the x-range it was active, in every time chart', () => {
    const rects = faultRects(renderHtml([buildRunResult()]));
    expect(rects).toHaveLength(4);
    for (const rect of rects) {
      expect(rect).toMatchObject({ fromMs: 10_000, toMs: 20_000 });
      expect(rect.x).toBeCloseTo(x(10_000), 0);
      expect(rect.x + rect.width).toBeCloseTo(x(20_000), 0);
    }
    expect(renderHtml([buildRunResult()])).toContain('<text class="fault-label"');
  });

  it('shades a fault that was never removed up to the end of the load', () => {
    const base = buildRunResult();
    const { removedAtMs: _removed, ...neverRemoved } = base.faults[0]!;
    const rects = faultRects(renderHtml([buildRunResult({ faults: [neverRemoved] })]));
    expect(rects[0]!.x + rects[0]!.width).toBeCloseTo(x(30_000), 0);
  });

  it('draws each breaker phase from the moment it began, for the dependency that has a breaker', () => {
    const html = renderHtml([buildRunResult()]);
    const starts = (state: string) =>
      [...html.matchAll(new RegExp(`<rect class="breaker ${state}" x="([\\d.]+)"`, 'g'))].map((m) => Number(m[1])).sort((a, b) => a - b);
    // open at 10.8 s and again at 13.83 s; half-open at 13.8 s (30 ms) and 16.8 s.
    expect(starts('open')).toHaveLength(2);
    starts('open').forEach((at, i) => expect(at).toBeCloseTo(x([10_800, 13_830][i]!), 0));
    starts('half-open').forEach((at, i) => expect(at).toBeCloseTo(x([13_800, 16_800][i]!), 0));
    const breakerFigure = html.slice(html.indexOf('<figcaption>Circuit-breaker state'), html.indexOf('<figcaption>Retry amplification'));
    expect(breakerFigure).toContain('rides → dispatch');
    expect(breakerFigure).not.toContain('rides → pricing');
  });

  it('says so instead of drawing an empty breaker chart when no dependency has a breaker', () => {
    const html = renderHtml([buildRunResult({ dependencySeries: [], breakerSpans: [] })]);
    expect(html).toContain('No circuit-breaker state was recorded');
    expect(html.match(/<svg /g)).toHaveLength(3);
  });

  it('lists fault evidence and the environment', () => {
    const html = renderHtml([inconclusiveResult()]);
    expect(html).toContain('<span class="verdict inconclusive">INCONCLUSIVE</span>');
    expect(html).toContain('touched no traffic');
    expect(html).toMatch(
      /<td>f1<\/td><td>toxic<\/td><td>rides -&gt; dispatch<\/td><td class="num">10.0 s<\/td><td class="num">20.0 s<\/td><td class="num">0<\/td><td class="num">0<\/td>/,
    );
    for (const value of ['<dt>seed</dt><dd>42</dd>', '<dt>time scale</dt><dd>1</dd>', '<dt>node</dt><dd>v20.20.0</dd>', '<dt>faultline</dt><dd>0.1.0</dd>']) {
      expect(html).toContain(value);
    }
  });

  it('puts several profiles side by side, with a column per profile and charts for each', () => {
    const html = renderHtml([buildRunResult({ profile: 'naive' }), passingResult()]);
    expect(html).toContain('dispatch-outage: 2 profiles compared');
    expect(html).toContain('<th>naive</th><th>resilient</th>');
    expect(html).toMatch(
      /error rate<div class="expr">[^<]*<\/div><\/td><td>whole<\/td><td class="num">&lt; 1.00 %<\/td><td class="num"><span class="fail" title="missed">✗<\/span> 5.32 %<\/td><td class="num"><span class="pass" title="met">✓<\/span> 0.40 %<\/td>/,
    );
    expect(html.match(/<svg /g)).toHaveLength(8);
    expect(html.match(/<section class="profile">/g)).toHaveLength(2);
  });

  it('writes every chart as well-formed SVG markup', () => {
    const svgs = renderHtml([buildRunResult()]).match(/<svg [\s\S]*?<\/svg>/g)!;
    for (const svg of svgs) expect(parseXml(svg).name).toBe('svg');
  });

  it('refuses to render nothing', () => {
    expect(() => renderHtml([])).toThrow(FaultlineError);
  });
});

/** The cells of each body row of the table under heading `h2`, tags stripped. */
function tableRows(html: string, h2: string): string[][] {
  const start = html.indexOf(`<h2>${h2}</h2>`);
  const table = html.slice(start, html.indexOf('</table>', start));
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .filter((m) => m[1]!.includes('<td'))
    .map((m) => [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!));
}

// Real runs (harness/test/fixtures/recordings/): fractional fault times, several faults, a
// breaker that opens, a profile without breakers, n/a values. Every expectation is read from the
// result's own data, never from the report: the report must show what the result holds.
describe.each(savedRunNames)('renderHtml of the saved run %s', (name) => {
  const result: RunResult = savedResult(name);
  const html = renderHtml([result]);

  it('shows the verdict and one SLO row per SLO, in order, marked met or missed', () => {
    expect(html).toContain(`<span class="verdict ${result.verdict}">${result.verdict.toUpperCase()}</span>`);
    const rows = tableRows(html, 'SLOs');
    expect(rows).toHaveLength(result.slos.length);
    result.slos.forEach((slo, i) => {
      const [mark, title, window, measured] = rows[i]!;
      expect(mark).toContain(slo.passed ? 'class="pass"' : 'class="fail"');
      expect(title!.startsWith(`${slo.name}<div class="expr">`)).toBe(true);
      expect(window).toBe(slo.window);
      if (slo.measured === null) expect(measured).toBe('n/a');
      else expect(measured).not.toBe('n/a');
    });
  });

  it('shades every applied fault in every time chart, from its recorded applied to removed time', () => {
    const charts = html.match(/<svg [\s\S]*?<\/svg>/g)!;
    const applied = result.faults.filter((f) => f.appliedAtMs !== undefined);
    expect(applied.length).toBeGreaterThan(0);
    for (const svg of charts) {
      const rects = [...svg.matchAll(/<rect class="fault" data-from-ms="([\d.]+)" data-to-ms="([\d.]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)];
      expect(rects).toHaveLength(applied.length);
      applied.forEach((fault, i) => {
        const [, from, to, x1, width] = rects[i]!.map(Number) as number[];
        expect([from, to]).toEqual([fault.appliedAtMs, fault.removedAtMs ?? result.durationMs]);
        expect(x1).toBeCloseTo(x(fault.appliedAtMs!, result.durationMs), 1);
        expect(x1! + width!).toBeCloseTo(x(fault.removedAtMs ?? result.durationMs, result.durationMs), 0);
      });
    }
  });

  it('draws a breaker row exactly for the dependencies that exposed a breaker state', () => {
    const withBreaker = new Set(result.breakerSpans.map((s) => `${s.service} → ${s.dependency}`));
    const rowLabels = [...html.matchAll(/<text class="row-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(new Set(rowLabels)).toEqual(withBreaker);
    expect(html.includes('No circuit-breaker state was recorded')).toBe(withBreaker.size === 0);
    expect(html.match(/<svg /g)).toHaveLength(withBreaker.size === 0 ? 3 : 4);
  });

  it('lists every fault with its kind and target, and every window with its request count', () => {
    const faults = tableRows(html, 'Fault evidence');
    expect(faults.map((cells) => cells.slice(0, 3))).toEqual(result.faults.map((f) => [f.id, f.kind, f.target.replace('>', '&gt;')]));
    const windows = tableRows(html, 'Windows');
    expect(windows.map((cells) => [cells[0], Number(cells[2])])).toEqual(result.windows.map((w) => [w.name, w.requests]));
  });

  it('writes every chart as well-formed SVG markup', () => {
    for (const svg of html.match(/<svg [\s\S]*?<\/svg>/g)!) expect(parseXml(svg).name).toBe('svg');
  });
});

describe('renderHtml of a real breaker', () => {
  it('draws the breaker open from the moment it opened (dispatch-outage, resilient)', () => {
    const result = savedResult('dispatch-outage-resilient');
    const firstOpen = result.breakerSpans.find((s) => s.state === 'open');
    // The saved run is kept for this: its breaker opened during the outage.
    expect(firstOpen).toBeDefined();
    const html = renderHtml([result]);
    const open = html.match(/<rect class="breaker open" x="([\d.]+)"/);
    expect(Number(open![1])).toBeCloseTo(x(firstOpen!.fromMs, result.durationMs), 1);
    expect(html).toContain(`${firstOpen!.service} → ${firstOpen!.dependency}: open from ${(firstOpen!.fromMs / 1000).toFixed(2)} s`);
  });

  it('draws every half-open phase, however short, at least MIN_SPAN_WIDTH wide', () => {
    const result = buildRunResult();
    const html = renderHtml([result]);
    const halfOpen = [...html.matchAll(/<rect class="breaker half-open" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)];
    expect(halfOpen).toHaveLength(result.breakerSpans.filter((s) => s.state === 'half_open').length);
    const trial = halfOpen.find((m) => m[3]!.includes('(30 ms)'))!;
    expect(Number(trial[1])).toBeCloseTo(x(13_800, result.durationMs), 1);
    // 30 ms of 30 s is 0.7 units to scale: widened so it can be seen.
    expect(Number(trial[2])).toBe(MIN_SPAN_WIDTH);
    expect(html).not.toContain('sampled by the scrapes');
  });

  it('marks a row sampled by the scrapes, whose short phases may be missing', () => {
    const result = buildRunResult();
    const html = renderHtml([{ ...result, breakerSpans: result.breakerSpans.map((s) => ({ ...s, source: 'scrapes' as const })) }]);
    expect(html).toContain('sampled by the scrapes');
  });
});

describe('writeHtml', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the rendered report into a new folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-html-'));
    const file = join(dir, 'a', 'report.html');
    await writeHtml([buildRunResult()], file);
    expect(await readFile(file, 'utf8')).toBe(renderHtml([buildRunResult()]));
  });
});
