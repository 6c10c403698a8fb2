import { defineConfig } from 'vitest/config';

// Integration tests open real sockets and child processes on a shared 2-core machine:
// generous timeouts, and files run in forks so a leaked handle in one cannot hide in another.
export default defineConfig({
  test: {
    include: ['harness/test/**/*.test.ts', 'services/**/*.test.ts', 'scenarios/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
  },
});
