import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { startToxiproxy, type EmbeddedToxiproxy } from '../../src/toxiproxy/index.ts';
import { launchService, type RunningService } from '../../src/topology/launch.ts';

/**
 * The http toxic on a service that has never heard of faultline: the example's Python pricing
 * service (standard library only). Over 600 requests with a fixed seed, the share answered with
 * the configured status is within ±5 points of the configured 25 %, and every other request
 * reached Python and got its answer.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
let pricing: RunningService | undefined;
let server: EmbeddedToxiproxy | undefined;
let pool: Pool | undefined;

afterAll(async () => {
  await pool?.destroy();
  await server?.close();
  await pricing?.stop();
});

describe('an http fault on a link to a Python service', () => {
  it('answers the configured share of its requests with 503, within ±5 points over 600 requests', { timeout: 60_000 }, async () => {
    pricing = await launchService({
      service: {
        kind: 'managed',
        name: 'pricing',
        health: '/health',
        command: ['python3', 'examples/shop/pricing/server.py'],
        portEnv: 'PORT',
        startTimeoutMs: 15_000,
        env: {},
        cwd: repoRoot,
        faultlineAware: false,
      },
      env: {},
    });
    server = await startToxiproxy({ port: 0, seed: 20261201 });
    const upstream = new URL(pricing.url).host;
    const created = await fetch(`${server.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'shop_to_pricing', listen: '127.0.0.1:0', upstream }),
    });
    const listen = ((await created.json()) as { listen: string }).listen;
    const toxic = await fetch(`${server.url}/proxies/shop_to_pricing/toxics`, {
      method: 'POST',
      body: JSON.stringify({ name: 'pricing-503', type: 'http', stream: 'upstream', attributes: { status: 503, rate: 0.25 } }),
    });
    expect(toxic.status).toBe(200);

    pool = new Pool(`http://${listen}`, { connections: 4 });
    const total = 600;
    const outcomes: { status: number; fromPython: boolean }[] = [];
    for (let batch = 0; batch < total / 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const response = await pool!.request({ method: 'GET', path: `/price?sku=sku-${batch * 10 + i}` });
          const text = await response.body.text();
          outcomes.push({ status: response.statusCode, fromPython: text.startsWith('{"sku"') });
        }),
      );
    }
    const answered = outcomes.filter((o) => o.status === 503).length;
    expect(Math.abs(answered / total - 0.25), `${answered} of ${total} answered 503`).toBeLessThanOrEqual(0.05);
    expect(outcomes.filter((o) => o.status === 200 && o.fromPython)).toHaveLength(total - answered);
  });
});
