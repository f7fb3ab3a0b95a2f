/**
 * `npm run test:integration`: the integration tier (testing/tiers.ts has the rule). Each project first checks that
 * the machine has what it drives (testing/preflight.ts) and fails naming what to install.
 */
import { defineConfig } from 'vitest/config';
import { SHARED_TEST_OPTIONS } from './vitest.config.ts';
import { K8S_TEST_OPTIONS } from './vitest.k8s.config.ts';
import { CONTAINERS_TEST_GLOB, INTEGRATION_TEST_GLOB, PREFLIGHT } from './testing/tiers.ts';

export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    projects: [
      // Real PostgreSQL, Prometheus, Alertmanager, helm, actionlint, shellcheck and Jupyter.
      {
        extends: true,
        test: {
          name: 'integration',
          include: [INTEGRATION_TEST_GLOB],
          exclude: ['**/node_modules/**'],
          globalSetup: [PREFLIGHT],
        },
      },
      // The dashboard's browser tests: Chromium against a spawned `hydra up`.
      'dashboard/vitest.e2e.config.ts',
      // The operator and the chart against the Kubernetes control plane of scripts/testenv.sh.
      { test: K8S_TEST_OPTIONS },
      // hydra's images in Docker: built by scripts/images.sh (cached per machine), run alone and as the compose stack.
      {
        test: {
          name: 'containers',
          include: [CONTAINERS_TEST_GLOB],
          fileParallelism: false,
          testTimeout: 300_000,
          // the first build on a machine makes the base-image stand-ins and every image: up to ~15 min
          hookTimeout: 1_800_000,
          pool: 'forks' as const,
          globalSetup: [PREFLIGHT],
        },
      },
    ],
  },
});
