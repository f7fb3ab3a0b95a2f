/**
 * The two test tiers, decided by where a test file lives and how it is named (README "Test it"):
 *
 * - unit (`npm test`, vitest.config.ts): every `<package>/test/**\/*.test.ts` and the dashboard's component tests.
 *   They need Node and `npm ci` only: the database is the embedded PGlite (plus a real PostgreSQL when
 *   HYDRA_TEST_DATABASE_URL is set), servers are started in-process or as `hydra up` child processes.
 * - integration (`npm run test:integration`, vitest.integration.config.ts): a test that runs any program outside
 *   node_modules (PostgreSQL required, Prometheus, Alertmanager, helm, actionlint, shellcheck, Jupyter) is named
 *   `*.integration.test.ts`; the Kubernetes control-plane tests live in `<package>/test/k8s/`, the Docker tests in
 *   `<package>/test/containers/`, the Chromium tests in `dashboard/e2e/`. testing/preflight.ts checks each project's tools before it runs.
 */
import path from 'node:path';

/** Tests that drive a program outside node_modules. */
export const INTEGRATION_TEST_GLOB = '*/test/**/*.integration.test.ts';
/** Tests against the control plane of `scripts/testenv.sh start`: one file at a time (they share one cluster). */
export const K8S_TEST_GLOB = '*/test/k8s/**/*.test.ts';
/** Tests of hydra's images in Docker (scripts/images.sh, docker compose): one file at a time (they share dockerd). */
export const CONTAINERS_TEST_GLOB = '*/test/containers/**/*.test.ts';
/** The integration projects' global setup (an absolute path: the dashboard's project has its own root). */
export const PREFLIGHT = path.join(import.meta.dirname, 'preflight.ts');
