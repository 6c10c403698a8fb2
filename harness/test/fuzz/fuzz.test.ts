import { describe, expect, it } from 'vitest';
import { fuzzTargets, runTarget } from '../../fuzz/targets.ts';

/**
 * The fixed-seed slice of `npm run fuzz`: 1,000 inputs per target from seed 20261130, so a
 * regression in any parser fails `npm test` with the same counterexample every time. The full
 * run (`npm run fuzz`, 10,000 per target, random seed) is the one that finds new bugs.
 */
const SEED = 20261130;
const RUNS = 1000;

describe('fuzzing, the fixed-seed slice', () => {
  for (const target of fuzzTargets) {
    it(`${target.name}: ${RUNS} generated inputs end in a result or a located input error, none slow`, { timeout: 120_000 }, async () => {
      const report = await runTarget(target, { runs: RUNS, seed: SEED });
      const replay = `npm run fuzz -- --target ${target.name} --seed ${SEED} --path ${report.failure?.path} --runs ${RUNS}`;
      expect(report.failure, report.failure && `${report.failure.message}\nreplay: ${replay}`).toBeUndefined();
      expect(report.runs).toBe(RUNS);
      // Both outcomes occur: the generators reach valid inputs, not only garbage.
      expect(report.kinds['input-error']).toBeGreaterThan(0);
      if (target.name !== 'toxiproxy-api') expect(report.kinds.result).toBeGreaterThan(0);
      // Memory: a coarse bound (the heap may grow by caches; a leak per input would be far more).
      expect(report.heapGrowthMb).toBeLessThan(200);
    });
  }
});
