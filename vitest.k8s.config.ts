/**
 * `npm run test:k8s`: only the operator's and the chart's tests against the real control plane of
 * `scripts/testenv.sh start` (HYDRA_TEST_KUBECONFIG from `eval "$(scripts/testenv.sh env)"`); also the `k8s` project
 * of `npm run test:integration`. The files share one cluster and one of them restarts its API server, so they run
 * one at a time.
 */
import { defineConfig } from 'vitest/config';
import { K8S_TEST_GLOB, PREFLIGHT } from './testing/tiers.ts';

/** Options of the k8s test project. */
export const K8S_TEST_OPTIONS = {
  name: 'k8s',
  include: [K8S_TEST_GLOB],
  fileParallelism: false,
  testTimeout: 180_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
  globalSetup: [PREFLIGHT],
};

export default defineConfig({ test: K8S_TEST_OPTIONS });
