import { defineConfig } from 'vitest/config';
import { K8S_TEST_GLOB, K8S_TEST_OPTIONS } from './vitest.k8s.config.ts';

/** The operator's integration tests need the control plane of `scripts/testenv.sh start`; only then are they collected. */
const k8s = process.env.HYDRA_TEST_KUBECONFIG ? [{ test: { name: 'k8s', ...K8S_TEST_OPTIONS } }] : [];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: a few files at a time, each in its own process.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // Every package's node tests (unchanged: */test/**/*.test.ts, the dashboard excluded).
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['*/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'dashboard/**', K8S_TEST_GLOB],
        },
      },
      // The dashboard's component tests (happy-dom, msw) and its browser tests (Chromium against `hydra up`).
      'dashboard/vitest.config.ts',
      'dashboard/vitest.e2e.config.ts',
      ...k8s,
    ],
  },
});
