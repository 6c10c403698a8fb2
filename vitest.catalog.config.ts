import { defineConfig } from 'vitest/config';

// The scenario catalog: every scenario run for real, one at a time, on the embedded stack.
export default defineConfig({
  test: {
    include: ['scenarios/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
