import { defineConfig } from 'vitest/config';
import { K8S_TEST_GLOB, K8S_TEST_OPTIONS } from './vitest.k8s.config.ts';

/** The operator's integration tests need the control plane of `scripts/testenv.sh start`; only then are they collected. */
const projects = process.env.HYDRA_TEST_KUBECONFIG
  ? { projects: [{ extends: true as const, test: { name: 'unit' } }, { test: { name: 'k8s', ...K8S_TEST_OPTIONS } }] }
  : {};

export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dashboard/**', K8S_TEST_GLOB],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: a few files at a time, each in its own process.
    pool: 'forks',
    maxWorkers: 2,
    ...projects,
  },
});
