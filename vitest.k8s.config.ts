/**
 * `npm run test:k8s`: the operator's integration tests against the real control plane of
 * `scripts/testenv.sh start` (HYDRA_TEST_KUBECONFIG from `eval "$(scripts/testenv.sh env)"`). The files share one
 * cluster and one of them restarts its API server, so they run one at a time.
 */
import { defineConfig } from 'vitest/config';

/** The integration test files; the root config collects them only when HYDRA_TEST_KUBECONFIG is set. */
export const K8S_TEST_GLOB = '{operator,deploy}/test/k8s/**/*.test.ts';

/** Options of the k8s test project (shared with the root config's `k8s` project). */
export const K8S_TEST_OPTIONS = {
  include: [K8S_TEST_GLOB],
  fileParallelism: false,
  testTimeout: 180_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({ test: K8S_TEST_OPTIONS });
