import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../bench/random.ts';
import { judgeSoak, soakTable, type SoakSeries } from '../../bench/soak-report.ts';
import type { SoakMetric } from '../../bench/soak-target.ts';
import { randomToxic, soakToxicTypes, ToxicChurn } from '../../bench/soak-toxics.ts';
import { startToxiproxy, type EmbeddedToxiproxy } from '../../src/toxiproxy/index.ts';

let server: EmbeddedToxiproxy | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the soak verdict', () => {
  it('flags the one series that keeps rising and passes the level ones', () => {
    const readings = (f: (min: number) => number) => Array.from({ length: 19 }, (_, i) => ({ atMs: i * 10_000, value: f(i / 6) }));
    const series: SoakSeries = new Map([
      [
        'toxiproxy',
        new Map<SoakMetric, { atMs: number; value: number }[]>([
          ['rss', readings(() => 100)],
          ['fds', readings((m) => 30 + Math.floor(m * 2))], // a descriptor leaked every 30 s
          ['handles', readings(() => 10)],
        ]),
      ],
    ]);
    const rows = judgeSoak(series, 120_000);
    expect(rows.map((r) => [r.metric, r.flat])).toEqual([
      ['RSS', true],
      ['open fds', false],
      ['active handles', true],
    ]);
    const table = soakTable(rows).join('\n');
    expect(table).toMatch(/\| toxiproxy \| open fds \(fds\) \| 32 \| 36 \| [12]\.\d+ \| ≤ 0\.1 \| ✗ \|/);
  });
});

describe('the toxic churn', () => {
  it('draws toxics of every kind it names, each accepted by the embedded server', async () => {
    server = await startToxiproxy({ host: '127.0.0.1', port: 0, seed: 1 });
    await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'p', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }) });
    const random = seededRandom(3);
    for (const type of soakToxicTypes) {
      const toxic = randomToxic(random, `t_${type}`, type);
      const response = await fetch(`${server.url}/proxies/p/toxics`, { method: 'POST', body: JSON.stringify(toxic) });
      expect(response.status, `${type}: ${await response.text()}`).toBe(200);
    }
    const toxics = (await (await fetch(`${server.url}/proxies/p/toxics`)).json()) as { type: string }[];
    expect(toxics.map((t) => t.type).sort()).toEqual([...soakToxicTypes].sort());
  });

  it('adds, updates and removes toxics without an API error, and clear() leaves none', async () => {
    server = await startToxiproxy({ host: '127.0.0.1', port: 0, seed: 1 });
    for (const name of ['a', 'b']) {
      await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }) });
    }
    const churn = new ToxicChurn(server.url, ['a', 'b'], seededRandom(5));
    for (let i = 0; i < 200; i++) await churn.tick();
    expect(churn.stats.failed, churn.stats.lastError).toBe(0);
    expect(churn.stats.added).toBeGreaterThan(20);
    expect(churn.stats.updated).toBeGreaterThan(20);
    expect(churn.stats.removed).toBeGreaterThan(20);
    await churn.clear();
    const proxies = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { toxics: unknown[] }>;
    expect(proxies.a!.toxics).toEqual([]);
    expect(proxies.b!.toxics).toEqual([]);
    expect(churn.stats.added).toBe(churn.stats.removed);
  });
});
