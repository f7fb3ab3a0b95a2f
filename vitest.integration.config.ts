/**
 * `npm run test:integration`: the integration tier (testing/tiers.ts has the rule). Each project first checks that
 * the machine has what it drives (testing/preflight.ts) and fails naming what to install.
 */
import { defineConfig } from 'vitest/config';
import { SHARED_TEST_OPTIONS } from './vitest.config.ts';
import { K8S_TEST_OPTIONS } from './vitest.k8s.config.ts';
import { INTEGRATION_TEST_GLOB, PREFLIGHT } from './testing/tiers.ts';

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
    ],
  },
});
