import { defineConfig } from 'vitest/config';

// Integration tests open real sockets and child processes on a shared 2-core machine:
// generous timeouts, and files run in forks so a leaked handle in one cannot hide in another.
// The scenario catalog runs apart (vitest.catalog.config.ts): its verdicts depend on timing, so
// it gets the machine to itself.
export default defineConfig({
  test: {
    include: ['harness/test/**/*.test.ts', 'services/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
