/**
 * `npm test`: the unit tier, what Node alone runs (testing/tiers.ts has the rule; `npm run test:integration`,
 * vitest.integration.config.ts, is the other tier).
 */
import { defineConfig } from 'vitest/config';
import { CONTAINERS_TEST_GLOB, INTEGRATION_TEST_GLOB, K8S_TEST_GLOB } from './testing/tiers.ts';

/** Options both tiers share. */
export const SHARED_TEST_OPTIONS = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // 2-core machines: a few files at a time, each in its own process.
  pool: 'forks' as const,
  maxWorkers: 2,
};

export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    projects: [
      // Every package's node tests, the dashboard's and the integration tier's excluded.
      {
        extends: true,
        test: {
          name: 'unit',
          // A worker process runs file after file and keeps its modules loaded (fastify, PGlite's WebAssembly, the
          // OpenTelemetry SDK, the workspaces): they load once per worker, not once per file, which saves a quarter
          // of the tier's CPU time. So a file that changes process-wide state (the environment, the global
          // MeterProvider, timers, spies) puts it back in its afterAll/afterEach.
          isolate: false,
          include: ['*/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'dashboard/**', INTEGRATION_TEST_GLOB, K8S_TEST_GLOB, CONTAINERS_TEST_GLOB],
        },
      },
      // The dashboard's component tests (happy-dom, msw).
      'dashboard/vitest.config.ts',
    ],
  },
});
