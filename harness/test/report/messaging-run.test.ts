/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import type { RunResult } from '../../src/model/result.ts';
import { CHART } from '../../src/report/html/chart.ts';
import { renderHtml } from '../../src/report/index.ts';
import { fixture } from '../run/helpers.ts';

/**
 * One real run on taxi-async (fixture async-messaging-timeline.yaml: 14 s at 10 trips/s, dispatch's
 * consuming link down from 4 to 10 s) and its report: what the messaging series say must be what
 * the fault did — trip.created still published, none delivered to dispatch while the link is
 * down, the backlog delivered after it, the trips booked meanwhile completing late — and the
 * report draws it over the fault's band (in Chromium when it is installed, as html-browser.test.ts
 * does). Real timings on 2 noisy cores: only seconds well inside or outside the fault are read,
 * with generous bounds.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let result: RunResult;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-messaging-run-'));
  ({ result } = await runScenario({ scenario: fixture('async-messaging-timeline.yaml'), outDir: false }));
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const channel = (name: string) => result.messaging!.find((c) => c.channel === name)!;

/** Seconds whose every scrape interval (about 1 s at full scale) lies inside the fault, a message
 * already on its way at its start (600 ms) allowed for: what the fault alone decided. */
function secondsInsideFault(): number[] {
  const fault = result.faults.find((f) => f.id === 'consumer-link-down')!;
  const seconds = channel('trip.created').seconds.map((s) => s.t);
  return seconds.filter((t) => t >= fault.appliedAtMs! + 1600 && t + 2000 <= fault.removedAtMs!);
}

describe('the messaging timeline of a real run', () => {
  it('shows trip.created published throughout and not delivered to dispatch while its link is down', () => {
    expect(result.status).toBe('completed');
    const trip = channel('trip.created');
    const inside = secondsInsideFault();
    expect(inside.length).toBeGreaterThanOrEqual(2);
    for (const t of inside) {
      const second = trip.seconds.find((s) => s.t === t)!;
      expect(second.delivered, `delivered at ${t} ms`).toBe(0);
      expect(second.published, `published at ${t} ms`).toBeGreaterThan(3);
    }
    // The backlog goes out once the link is back: faster than the 10/s it was published at.
    const removedAtMs = result.faults[0]!.removedAtMs!;
    const after = trip.seconds.filter((s) => s.t >= removedAtMs - 1000).map((s) => s.delivered ?? 0);
    expect(Math.max(...after)).toBeGreaterThan(15);
  });

  it('never shows a negative rate or a spike beyond what the load could cause', () => {
    for (const { seconds } of result.messaging!) {
      for (const s of seconds) {
        for (const value of [s.published, s.delivered, s.redelivered, s.duplicates]) {
          if (value === null) continue;
          expect(value).toBeGreaterThanOrEqual(0);
          // 10 trips/s; a 6 s backlog of 60 lands within a scrape interval or two at most.
          expect(value).toBeLessThan(150);
        }
      }
    }
  });

  it('shows the trips booked during the outage completing late', () => {
    const latency = result.async!.latencySeries;
    const fault = result.faults[0]!;
    const before = latency.filter((s) => s.t + 1000 <= fault.appliedAtMs! && s.p50 !== null).map((s) => s.p50!);
    const during = latency.filter((s) => s.t >= fault.appliedAtMs! && s.t + 1000 <= fault.removedAtMs! - 2000 && s.p50 !== null).map((s) => s.p50!);
    expect(before.length).toBeGreaterThan(0);
    expect(during.length).toBeGreaterThan(0);
    // Before: a round trip through the broker (tens of ms). During: waiting for the link, ≥ 2 s.
    expect(Math.max(...before)).toBeLessThan(1000);
    expect(Math.min(...during)).toBeGreaterThan(1500);
    expect(result.async!.windows.find((w) => w.name === 'whole')!.lost).toBe(0);
  });

  it('draws the channels and the async latency over the fault in the report', async () => {
    const html = renderHtml([result]);
    for (const caption of ['Messages on trip.created per second', 'Messages on driver.assigned per second', 'Async latency to driver.assigned']) {
      expect(html).toContain(`<figcaption>${caption}`);
    }
    expect(html).toMatch(/<dt>broker<\/dt><dd>broker \(mqtt\): embedded, aedes \d+\.\d+\.\d+<\/dd>/);
    if (!existsSync(chromiumPath)) return;
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    try {
      const file = join(dir, 'report.html');
      await writeFile(file, html);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      const chart = page.locator('figure.chart', { hasText: 'Messages on trip.created' }).locator('svg');
      const seen = await chart.evaluate((svg) => {
        const box = svg.getBoundingClientRect();
        const band = svg.querySelector('rect.fault')!.getBoundingClientRect();
        const lines = svg.querySelectorAll('polyline.line').length;
        return {
          left: band.left - box.left,
          right: band.right - box.left,
          width: box.width,
          viewBoxWidth: (svg as SVGSVGElement).viewBox.baseVal.width,
          lines,
        };
      });
      const fault = result.faults[0]!;
      const at = (ms: number) => (CHART.left + (ms / result.durationMs) * (CHART.width - CHART.left - CHART.right)) * (seen.width / seen.viewBoxWidth);
      expect(Math.abs(seen.left - at(fault.appliedAtMs!))).toBeLessThan(2);
      expect(Math.abs(seen.right - at(fault.removedAtMs!))).toBeLessThan(2);
      expect(seen.lines).toBeGreaterThanOrEqual(2);
    } finally {
      await browser.close();
    }
  });
});
