/// <reference lib="dom" />
// The HTML report as a browser shows it (Chromium through playwright-core): what a reader sees,
// which the structural tests in html.test.ts cannot tell — colours, layout, sizes, requests.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART } from '../../src/report/html/chart.ts';
import { renderHtml } from '../../src/report/index.ts';
import { savedResult } from '../fixtures/recordings.ts';
import { buildRunResult, inconclusiveResult, messagingResult, passingResult } from './fixtures.ts';

/** Debian's package (`apt-get install chromium`, as .ci/run does), or CHROMIUM_PATH. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
// CI installs Chromium: there, a missing browser is a failure, not a reason to skip.
if (!haveChromium && process.env.CI) throw new Error(`Chromium not found at ${chromiumPath} (CI must install it: apt-get install -y chromium)`);

const viewports = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

interface Seen {
  consoleErrors: string[];
  /** Every URL the page asked for, the document itself included. */
  requests: string[];
}

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string): number => {
    const [r, g, bl] = css
      .match(/[\d.]+/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe.skipIf(!haveChromium)('the HTML report in a browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    dir = await mkdtemp(join(tmpdir(), 'faultline-html-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(html: string, viewport: { width: number; height: number }): Promise<{ page: Page; seen: Seen }> {
    const file = join(dir, `report-${Math.random().toString(36).slice(2)}.html`);
    await writeFile(file, html);
    const page = await browser.newPage({ viewport });
    const seen: Seen = { consoleErrors: [], requests: [] };
    page.on('console', (message) => {
      if (message.type() === 'error') seen.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => seen.consoleErrors.push(error.message));
    // Nothing may leave the file: anything but the document itself is recorded and refused.
    await page.route('**/*', (route) => {
      seen.requests.push(route.request().url());
      return route.request().url() === pathToFileURL(file).href ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, seen };
  }

  for (const viewport of viewports) {
    describe(`on a ${viewport.name} screen (${viewport.width} px)`, () => {
      it('makes no request beyond the file and logs no error', async () => {
        const { page, seen } = await open(renderHtml([buildRunResult()]), viewport);
        expect(seen.requests).toHaveLength(1);
        expect(seen.consoleErrors).toEqual([]);
        await page.close();
      });

      it('shows each verdict word legibly on its badge', async () => {
        for (const [result, word] of [
          [buildRunResult(), 'FAIL'],
          [passingResult(), 'PASS'],
          [inconclusiveResult(), 'INCONCLUSIVE'],
        ] as const) {
          const { page } = await open(renderHtml([result]), viewport);
          const badge = page.locator('h1 .verdict');
          await expect.poll(() => badge.isVisible()).toBe(true);
          expect((await badge.innerText()).trim()).toBe(word);
          const colours = await badge.evaluate((el) => {
            const style = getComputedStyle(el);
            return { fg: style.color, bg: style.backgroundColor };
          });
          // 4.5:1 is WCAG AA for normal text; the text was once the badge's own colour (1:1).
          expect(contrast(colours.fg, colours.bg)).toBeGreaterThanOrEqual(4.5);
          await page.close();
        }
      });

      it('never makes the page scroll sideways: wide tables and charts scroll in their own box', async () => {
        // Saved real runs too: their SLO names, details and fault labels are the long ones.
        const real = [
          renderHtml([savedResult('slow-network-resilient')]),
          renderHtml([savedResult('dispatch-outage-naive'), savedResult('dispatch-outage-resilient')]),
        ];
        for (const html of [
          renderHtml([buildRunResult()]),
          renderHtml([passingResult({ profile: 'naive' }), buildRunResult()]),
          renderHtml([messagingResult()]),
          ...real,
        ]) {
          const { page } = await open(html, viewport);
          const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
          expect(widths.page).toBeLessThanOrEqual(widths.viewport);
          await page.close();
        }
      });

      // The messaging result adds the async outcomes, a chart per channel and the async latency.
      it.each([
        ['a run without a broker', buildRunResult(), 4],
        ['a run with a broker and an async: block', messagingResult(), 8],
      ] as const)('draws every chart of %s with labels of at least 8 px and the fault band where the fault was', async (_, result, chartCount) => {
        const { page } = await open(renderHtml([result]), viewport);
        const charts = await page.locator('figure.chart svg').evaluateAll((svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const viewBoxWidth = (svg as SVGSVGElement).viewBox.baseVal.width;
            const label = svg.querySelector('text');
            const labelPx = label ? parseFloat(getComputedStyle(label).fontSize) * (box.width / viewBoxWidth) : 0;
            const bands = Array.from(svg.querySelectorAll('rect.fault')).map((rect) => {
              const r = rect.getBoundingClientRect();
              return {
                fromMs: Number(rect.getAttribute('data-from-ms')),
                toMs: Number(rect.getAttribute('data-to-ms')),
                left: r.left - box.left,
                width: r.width,
              };
            });
            return { width: box.width, height: box.height, viewBoxWidth, labelPx, bands };
          }),
        );
        expect(charts.length).toBe(chartCount);
        const figureOverflow = await page.locator('figure.chart').evaluateAll((figures) => figures.map((f) => f.scrollWidth - f.clientWidth));
        // On a desktop screen a chart fits its box; on a phone it may scroll in it.
        if (viewport.name === 'desktop') expect(figureOverflow).toEqual(charts.map(() => 0));
        for (const chart of charts) {
          expect(chart.height).toBeGreaterThan(50);
          expect(chart.labelPx).toBeGreaterThanOrEqual(8);
          // The fault ran from 10 s to 20 s of 30 s: its band starts and ends there on screen.
          expect(chart.bands.length).toBe(1);
          const scale = chart.width / chart.viewBoxWidth;
          const at = (ms: number): number => (CHART.left + (ms / result.durationMs) * (CHART.width - CHART.left - CHART.right)) * scale;
          const band = chart.bands[0]!;
          expect([band.fromMs, band.toMs]).toEqual([10_000, 20_000]);
          expect(Math.abs(band.left - at(10_000))).toBeLessThan(2);
          expect(Math.abs(band.left + band.width - at(20_000))).toBeLessThan(2);
        }
        await page.close();
      });
    });
  }

  it('lists every SLO as a visible row, the missed one marked', async () => {
    const result = buildRunResult();
    const { page } = await open(renderHtml([result]), viewports[0]);
    const rows = page.locator('h2:has-text("SLOs") + .scroll tbody tr');
    expect(await rows.count()).toBe(result.slos.length);
    for (const slo of result.slos) {
      const row = rows.filter({ hasText: slo.name });
      expect(await row.isVisible()).toBe(true);
      expect(await row.innerText()).toContain(slo.passed ? '✓' : '✗');
    }
    await page.close();
  });
});
