import { defineConfig } from 'vitest/config';

// The scenario catalog: every scenario run for real, one at a time, on the embedded stack; and
// the example project's scenarios (examples/), whose verdicts depend on timing just the same.
export default defineConfig({
  test: {
    include: ['scenarios/**/*.test.ts', 'examples/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
