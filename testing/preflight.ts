/**
 * Global setup of every integration-tier project (vitest.integration.config.ts): before a project's first test
 * file runs, checks that this machine has what the project drives, and otherwise fails the run with one list of
 * what is missing and the command that installs each. Nothing is skipped: a missing tool is a failure that says
 * why. Only the projects with test files queued are checked, so running one file asks only for the tools of that
 * file's project.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import {
  ALERTMANAGER_INSTALL,
  ALERTMANAGER_PATH,
  CHROMIUM_INSTALL,
  CHROMIUM_PATH,
  CONTROL_PLANE_START,
  DOCKER_START,
  INSTALL_HINTS,
  isExecutable,
  JUPYTER_INSTALL,
  JUPYTER_MODULES,
  JUPYTER_PYTHON,
  lookupTool,
  TESTENV_SCRIPT,
  PROMETHEUS_BINARY,
  PROMTOOL_BINARY,
} from './tools.ts';

/** How long the PostgreSQL check waits for a connection. */
const DATABASE_CONNECT_TIMEOUT_MS = 5_000;
/** How long the Python import check may take (matplotlib's first import builds a font cache). */
const PYTHON_CHECK_TIMEOUT_MS = 60_000;
const REPO_ROOT = path.join(import.meta.dirname, '..');

/** One requirement: undefined when met, otherwise what is wrong and how to fix it. */
type Check = () => Promise<string | undefined> | string | undefined;

/** `command` is a path (checked as it is) or a name looked for on PATH and in ~/go/bin. */
function tool(name: string, command = name): Check {
  return () => {
    if (command.includes('/') ? isExecutable(command) : lookupTool(command)) return undefined;
    return `${name} (${command.includes('/') ? command : 'looked on PATH and in ~/go/bin'}): ${INSTALL_HINTS[name]}`;
  };
}

function executable(what: string, filePath: string, install: string): Check {
  return () => (isExecutable(filePath) ? undefined : `${what} (${filePath}): ${install}`);
}

const postgres: Check = async () => {
  const url = process.env.HYDRA_TEST_DATABASE_URL;
  if (!url) {
    return (
      'PostgreSQL: set HYDRA_TEST_DATABASE_URL to a PostgreSQL 15+ whose user may create databases, e.g. ' +
      'postgres://postgres@127.0.0.1:5432/test (apt-get install -y postgresql)'
    );
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    const { rows } = await client.query<{ may: boolean }>(
      'SELECT rolcreatedb OR rolsuper AS may FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.may ? undefined : `PostgreSQL at HYDRA_TEST_DATABASE_URL: its user may not CREATE DATABASE`;
  } catch (err) {
    return `PostgreSQL at HYDRA_TEST_DATABASE_URL does not answer: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const jupyter: Check = () => {
  const result = spawnSync(JUPYTER_PYTHON, ['-c', `import ${JUPYTER_MODULES.join(', ')}`], {
    encoding: 'utf8',
    timeout: PYTHON_CHECK_TIMEOUT_MS,
  });
  if (result.status === 0) return undefined;
  const reason = result.error?.message ?? result.stderr.trim().split('\n').at(-1) ?? `exit ${result.status}`;
  return `Jupyter for the notebook test (${JUPYTER_PYTHON}: ${reason}): ${JUPYTER_INSTALL}`;
};

const controlPlane: Check = () => {
  const kubeconfig = process.env.HYDRA_TEST_KUBECONFIG;
  if (kubeconfig && existsSync(kubeconfig)) return undefined;
  const why = kubeconfig ? `HYDRA_TEST_KUBECONFIG names a missing file ${kubeconfig}` : 'HYDRA_TEST_KUBECONFIG unset';
  return `the Kubernetes test control plane (${why}): ${CONTROL_PLANE_START}`;
};

/**
 * What the test node of `scripts/testenv.sh start --node` needs (deploy/test/k8s/node-e2e.test.ts): root, containerd,
 * runc, the CNI plugins, iptables, a running Docker daemon to take images from; the script itself says what lacks.
 */
const node: Check = () => {
  const result = spawnSync('bash', [TESTENV_SCRIPT, 'node-preflight'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status === 0) return undefined;
  const lacking = result.error?.message ?? (result.stdout.trim() || result.stderr.trim());
  return `the Kubernetes test node (scripts/testenv.sh node-preflight):\n${lacking.replace(/^ */gm, '      ')}`;
};

/** A running Docker daemon with the buildx and compose plugins (scripts/images.sh builds them when missing). */
const docker: Check = () => {
  for (const args of [['info'], ['buildx', 'version'], ['compose', 'version']]) {
    const result = spawnSync('docker', args, { encoding: 'utf8', timeout: 20_000 });
    if (result.status !== 0) {
      const reason = result.error?.message ?? result.stderr.trim().split('\n').at(-1) ?? `exit ${result.status}`;
      return `Docker (\`docker ${args.join(' ')}\`: ${reason}): ${INSTALL_HINTS.docker}, then ${DOCKER_START}`;
    }
  }
  return undefined;
};

/** What each integration project needs, by its vitest project name. */
export const REQUIREMENTS: Readonly<Record<string, readonly Check[]>> = {
  integration: [
    postgres,
    tool('helm'),
    tool('actionlint'),
    tool('shellcheck'),
    tool('prometheus', PROMETHEUS_BINARY),
    tool('promtool', PROMTOOL_BINARY),
    executable('Alertmanager', ALERTMANAGER_PATH, ALERTMANAGER_INSTALL),
    jupyter,
    // deck/test/deck.integration.test.ts: LibreOffice converts the deck to PDF, poppler counts and renders pages.
    tool('soffice'),
    tool('pdfinfo'),
    tool('pdftoppm'),
    // demo/test/video.integration.test.ts: ffprobe reads the committed video; espeak-ng and ffmpeg assemble scenes.
    tool('ffmpeg'),
    tool('ffprobe'),
    tool('espeak-ng'),
  ],
  'dashboard-e2e': [executable('Chromium', CHROMIUM_PATH, CHROMIUM_INSTALL)],
  k8s: [controlPlane, tool('kubectl'), tool('helm')],
  containers: [postgres, tool('docker'), tool('debootstrap'), docker],
};

/**
 * What single files need beyond their project's requirements (paths from the repository root), checked only when
 * the file is queued: running the operator's control-plane tests alone does not ask for a node.
 */
export const FILE_REQUIREMENTS: Readonly<Record<string, readonly Check[]>> = {
  'deploy/test/k8s/node-e2e.test.ts': [node],
};

/** Set once the first project's preflight has checked every queued project (they share the main process). */
const CHECKED = Symbol.for('hydra.test.preflight');

/**
 * The integration projects with test files queued in this run (those `--project` kept, holding a file that the
 * run's file filters — `npm run test:integration -- deploy/test` — match), and those files (from the repository root).
 */
async function queued(project: TestProject): Promise<{ projects: string[]; files: string[] }> {
  const { vitest } = project;
  // The CLI's file filters: not public API, so a run without them counts every file of the kept projects.
  const filters = (vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const specs = await vitest.globTestSpecifications(filters);
  return {
    projects: [...new Set(specs.map((spec) => spec.project.name))],
    files: specs.map((spec) => path.relative(REPO_ROOT, spec.moduleId)),
  };
}

/**
 * Vitest stops at the first global setup that throws, so the first project checks the requirements of every queued
 * project and fails once with everything missing; the later projects have nothing left to check.
 */
export default async function preflight(project: TestProject): Promise<void> {
  const state = globalThis as { [CHECKED]?: boolean };
  if (state[CHECKED]) return;
  state[CHECKED] = true;
  const { projects, files } = await queued(project);
  const report: string[] = [];
  const check = async (what: string, checks: readonly Check[]) => {
    const missing = (await Promise.all(checks.map((c) => c()))).filter((m): m is string => m !== undefined);
    if (missing.length > 0) report.push(`${what}:`, ...missing.map((m) => `  - ${m}`));
  };
  for (const name of new Set([project.name, ...projects])) {
    const checks = REQUIREMENTS[name];
    if (!checks) throw new Error(`testing/preflight.ts: no requirements declared for project "${name}"`);
    await check(name, checks);
  }
  for (const file of files) if (FILE_REQUIREMENTS[file]) await check(file, FILE_REQUIREMENTS[file]);
  if (report.length === 0) return;
  throw new Error(
    [
      'The integration tests need what this machine lacks (by vitest project):',
      ...report,
      '`bash .ci/run` installs all of it (Debian/Ubuntu, as root); `npm test` runs the tests that need Node alone.',
    ].join('\n'),
  );
}
