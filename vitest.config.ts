import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child-process tests run the built CLI (bin/planledger.js); dist/ is rebuilt first when stale.
    globalSetup: ['test/support/fresh-dist.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Variables set with vi.stubEnv are restored after each test.
    unstubEnvs: true,
    // Two test files at a time even on two cores (vitest's default there is one): most test time
    // is spent waiting for CLI child processes and DuckDB files, so two files overlap. On the
    // 2-core CI machine the suite took 511 s with two, 655 s with one and 501 s with three
    // (docs/benchmarks.md, "CI").
    maxWorkers: Math.max(2, availableParallelism() - 1),
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: {
        // The contract is what everything stands on: issue "The event contract".
        'src/schema/**': { lines: 95, branches: 95 },
      },
    },
  },
});
