/**
 * The programs outside node_modules that the integration tier drives, where each is looked for and how to install
 * it. One home for the test helpers that find a tool (deploy/test/tools.ts) and for the tier's preflight
 * (testing/preflight.ts), so a missing tool fails with the same install command everywhere.
 *
 * The unit tier (`npm test`) uses none of these: it needs Node and `npm ci` only.
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** What `go install` puts into ~/go/bin; looked in after PATH. */
const GO_BIN = path.join(homedir(), 'go', 'bin');

/** The install command of each tool found on PATH (Debian/Ubuntu packages; `go install` for the Go-only ones). */
export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  helm: 'GOFLAGS= go install helm.sh/helm/v3/cmd/helm@v3.22.0',
  kubectl: 'apt-get install -y kubernetes-client',
  actionlint: 'GOFLAGS= go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12',
  shellcheck: 'apt-get install -y shellcheck',
  prometheus: 'apt-get install -y prometheus',
  promtool: 'apt-get install -y prometheus',
  soffice: 'apt-get install -y libreoffice-impress',
  pdfinfo: 'apt-get install -y poppler-utils',
  pdftoppm: 'apt-get install -y poppler-utils',
  docker: 'apt-get install -y docker.io',
  debootstrap: 'apt-get install -y debootstrap',
  ffmpeg: 'apt-get install -y ffmpeg',
  ffprobe: 'apt-get install -y ffmpeg',
  'espeak-ng': 'apt-get install -y espeak-ng',
  curl: 'apt-get install -y curl',
  jq: 'apt-get install -y jq',
  column: 'apt-get install -y bsdextrautils',
};

/** What starts the Docker daemon and makes the CLI plugins (buildx, compose) the container tests use. */
export const DOCKER_START = 'scripts/images.sh daemon && eval "$(scripts/images.sh env)"';

/** The Prometheus server and its promtool (PROMETHEUS_BINARY and PROMTOOL_BINARY override PATH). */
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? 'prometheus';
export const PROMTOOL_BINARY = process.env.PROMTOOL_BINARY ?? 'promtool';

/** Debian's Alertmanager (the notifier tests run it). */
export const ALERTMANAGER_PATH = '/usr/bin/prometheus-alertmanager';
export const ALERTMANAGER_INSTALL = 'apt-get install -y prometheus-alertmanager';

/** Debian's Chromium, driven by playwright-core in the dashboard's browser tests (HYDRA_CHROMIUM_PATH overrides). */
export const CHROMIUM_PATH = process.env.HYDRA_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/** The Python that executes docs/Forecasting_demo.ipynb: Debian's, where the apt packages install Jupyter
 * (HYDRA_JUPYTER_PYTHON overrides). */
export const JUPYTER_PYTHON =
  process.env.HYDRA_JUPYTER_PYTHON ?? (isExecutable('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
/** The Python modules the notebook test imports, and their Debian packages. */
export const JUPYTER_MODULES = ['nbconvert', 'nbclient', 'ipykernel', 'matplotlib', 'requests'] as const;
export const JUPYTER_INSTALL = `apt-get install -y ${JUPYTER_MODULES.map((m) => `python3-${m}`).join(' ')}`;

/** What to run when the Kubernetes test control plane is not up. */
export const CONTROL_PLANE_START = 'scripts/testenv.sh start && eval "$(scripts/testenv.sh env)"';
/** scripts/testenv.sh (absolute: the preflight runs from any project's root). */
export const TESTENV_SCRIPT = path.join(import.meta.dirname, '..', 'scripts', 'testenv.sh');

/** Whether `file` exists and may be executed. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `name` on PATH or in ~/go/bin, or undefined. */
export function lookupTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), GO_BIN].filter((dir) => dir !== '');
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

/** The absolute path of `name` on PATH or in ~/go/bin; throws naming the install command when absent. */
export function findTool(name: string): string {
  const found = lookupTool(name);
  if (found) return found;
  throw new Error(`${name} is not installed (looked on PATH and in ~/go/bin): ${INSTALL_HINTS[name] ?? ''}`);
}
