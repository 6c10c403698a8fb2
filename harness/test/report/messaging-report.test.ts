import { describe, expect, it } from 'vitest';
import { CHART, niceCeil } from '../../src/report/html/chart.ts';
import { brokerLabel } from '../../src/report/labels.ts';
import { renderHtml } from '../../src/report/index.ts';
import { buildRunResult, messagingResult } from './fixtures.ts';

/**
 * The messaging half in the HTML report, from a hand-built result whose every point is known
 * (fixtures.ts, messagingResult): a chart per channel that carried messages, the async latency,
 * both on the fault timeline; nothing new for a run without a broker.
 */
const x = (ms: number, durationMs = 30_000) => CHART.left + (ms / durationMs) * (CHART.width - CHART.left - CHART.right);
const plotBottom = CHART.height - CHART.bottom;

/** The <figure> whose caption starts with `caption`. */
function figure(html: string, caption: string): string {
  const start = html.indexOf(`<figcaption>${caption}`);
  expect(start, caption).toBeGreaterThan(-1);
  return html.slice(html.lastIndexOf('<figure', start), html.indexOf('</figure>', start));
}

/** Each polyline of the line named `name` in a chart, as [x, y] points. */
function polylines(chart: string, name: string): [number, number][][] {
  return [...chart.matchAll(/<polyline class="line" stroke="[^"]+" points="([^"]+)"><title>([^<]+)<\/title>/g)]
    .filter((m) => m[2] === name)
    .map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]));
}

describe('messaging in the HTML report', () => {
  const html = renderHtml([messagingResult()]);

  it('draws one chart per channel that carried messages, and names the quiet ones instead', () => {
    figure(html, 'Messages on driver.assigned per second');
    figure(html, 'Messages on trip.created per second');
    expect(html).not.toContain('Messages on dead-letter');
    expect(html).toContain('<p class="note">No message was counted on dead-letter during the load.</p>');
    // The four charts of any run, the async outcomes, two channels, the async latency.
    expect(html.match(/<svg /g)).toHaveLength(8);
  });

  it('plots each second’s rate at its middle, a gap where no scrape covered it, the stall at 0', () => {
    const chart = figure(html, 'Messages on trip.created per second');
    const yMax = niceCeil(30);
    const y = (v: number) => Math.round((plotBottom - (v / yMax) * (plotBottom - CHART.top)) * 10) / 10;
    const delivered = polylines(chart, 'delivered/s');
    // Second 5 has no value: the line breaks there.
    expect(delivered).toHaveLength(2);
    expect(delivered[0]!.map(([px]) => px)).toEqual([500, 1500, 2500, 3500, 4500].map((t) => Math.round(x(t) * 10) / 10));
    const at = (t: number) => delivered[1]!.find(([px]) => Math.abs(px - x(t)) < 0.1)![1];
    expect(at(6500)).toBe(y(10));
    expect(at(15_500)).toBe(y(0));
    expect(at(21_500)).toBe(y(30));
    expect(
      polylines(chart, 'redelivered/s')[1]!
        .filter(([, py]) => py === y(2))
        .map(([px]) => px),
    ).toEqual([20_500, 21_500].map((t) => Math.round(x(t) * 10) / 10));
    for (const name of ['published/s', 'delivered/s', 'redelivered/s', 'duplicates/s'])
      expect(chart).toMatch(new RegExp(`<span class="swatch" style="background:#[0-9a-f]{6}"></span>${name}</span>`));
  });

  it('draws the async latency p50/p99 by scheduled second, a gap where none completed', () => {
    const chart = figure(html, 'Async latency to driver.assigned');
    const p99 = polylines(chart, 'p99');
    expect(p99).toHaveLength(2);
    expect(p99[0]!.at(-1)![0]).toBeCloseTo(x(18_500), 0);
    expect(p99[1]![0]![0]).toBeCloseTo(x(20_500), 0);
  });

  it('shades the fault over its interval in every new chart', () => {
    for (const caption of ['Messages on trip.created', 'Messages on driver.assigned', 'Async latency']) {
      const rect = /<rect class="fault" data-from-ms="(\d+)" data-to-ms="(\d+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(figure(html, caption))!;
      expect([Number(rect[1]), Number(rect[2])]).toEqual([10_000, 20_000]);
      expect(Number(rect[3])).toBeCloseTo(x(10_000), 0);
      expect(Number(rect[3]) + Number(rect[4])).toBeCloseTo(x(20_000), 0);
    }
  });

  it('has no async latency chart when nothing could be observed, and nothing new without a broker', () => {
    const base = messagingResult();
    const blind = renderHtml([messagingResult({ async: { ...base.async!, unavailable: 'no broker in this run' } })]);
    expect(blind).not.toContain('Async latency');
    const plain = renderHtml([buildRunResult()]);
    expect(plain).not.toContain('Messages on');
    expect(plain).not.toContain('Async latency');
    expect(plain).not.toContain('<dt>broker</dt>');
    expect(plain.match(/<svg /g)).toHaveLength(4);
  });

  it('names the broker in the environment', () => {
    expect(html).toContain('<dt>broker</dt><dd>broker (mqtt): embedded, aedes 1.2.0</dd>');
  });
});

describe('brokerLabel', () => {
  it('says how the broker ran and what it is, when known', () => {
    const base = { service: 'broker', protocol: 'mqtt' };
    expect(brokerLabel({ ...base, source: 'embedded', software: 'aedes 1.2.0' })).toBe('broker (mqtt): embedded, aedes 1.2.0');
    expect(brokerLabel({ ...base, source: 'external', url: 'mqtt://10.0.0.5:1883', software: 'mosquitto version 2.0.11' })).toBe(
      'broker (mqtt): external mqtt://10.0.0.5:1883, mosquitto version 2.0.11',
    );
    expect(brokerLabel({ ...base, service: 'mq', source: 'command', command: ['sh', 'mosquitto.sh'] })).toBe('mq (mqtt): started by command sh mosquitto.sh');
  });
});
