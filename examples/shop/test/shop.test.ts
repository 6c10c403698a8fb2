import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// In a project of your own: import { runScenario } from 'faultline';
import { runScenario } from '../../../harness/src/index.ts';

/**
 * The example's claim, checked: each scenario passes with the shop's resilience on and fails
 * with it off (SHOP_RESILIENCE, read by shop/server.mjs). Real Redis (Debian's redis-server) and
 * the Python pricing service, started by faultline from ../topology.yaml; at a quarter of the
 * scenarios' length, as the catalog runs.
 */
const scenarioFile = (name: string) => fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url));
const scenarios = ['redis-down', 'redis-slow', 'pricing-503', 'pricing-slow'];

afterEach(() => {
  delete process.env['SHOP_RESILIENCE'];
});

async function run(name: string, resilience: 'on' | 'off') {
  // The services inherit the runner's environment: this is the example's switch.
  process.env['SHOP_RESILIENCE'] = resilience;
  const { result } = await runScenario({ scenario: scenarioFile(name), timeScale: 0.25, outDir: false, reporters: [] });
  const misses = [...result.reasons, ...result.slos.filter((s) => !s.passed).map((s) => `${s.name}: ${s.detail}`)].join('; ') || 'all SLOs met';
  return { result, misses };
}

describe('the example shop (Node + Redis + Python)', () => {
  for (const name of scenarios) {
    it(`${name} passes with the shop's resilience on`, async () => {
      const { result, misses } = await run(name, 'on');
      expect(result.status).toBe('completed');
      expect(result.verdict, misses).toBe('pass');
    });

    it(`${name} fails with it off`, async () => {
      const { result, misses } = await run(name, 'off');
      expect(result.status).toBe('completed');
      expect(result.verdict, misses).toBe('fail');
    });
  }
});
