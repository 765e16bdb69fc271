import { defineConfig } from 'vitest/config';

// Test files talk to a real Redis and real child processes; two at a time matches the
// two-core machines this runs on without starving the timing-sensitive collector tests.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
