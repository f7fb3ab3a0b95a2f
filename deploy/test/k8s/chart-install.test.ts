/**
 * charts/hydra against the real control plane of `scripts/testenv.sh start` (run by `npm run test:k8s`):
 * every render of deploy/test/values and the end-to-end monitor pass `kubectl apply --dry-run=server`; then
 * `helm install` creates the release, and the operator — a local `hydra operator` process authenticated as the
 * chart's own ServiceAccount, since there is no kubelet to run its pod — reconciles the chart's shared
 * HydraCollector into its ConfigMap, Deployment, Service, PodDisruptionBudget and ServiceMonitor, and the sample
 * HydraMonitor (which uses it) into its anomaly CronJob in the release namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CHART_DIR, REPO_ROOT, RENDER_CASES, renderChart, runTool, runToolOk } from '../tools.ts';

const KUBECONFIG = (() => {
  const file = process.env.HYDRA_TEST_KUBECONFIG;
  if (!file)
    throw new Error('HYDRA_TEST_KUBECONFIG is not set: scripts/testenv.sh start; eval "$(scripts/testenv.sh env)"');
  return file;
})();
const KUBE_ENV = { KUBECONFIG };
const MONITORING_CRDS = path.join(REPO_ROOT, 'deploy', 'test', 'fixtures', 'monitoring-crds.yaml');
const E2E_MONITOR = path.join(REPO_ROOT, 'deploy', 'e2e', 'monitor.yaml');
const SAMPLE_MONITOR = 'hydra-sample';
/** How long the operator may take to create the sample monitor's children on a loaded 2-core machine. */
const RECONCILE_TIMEOUT_MS = 90_000;
const POLL_INTERVAL_MS = 500;
const OPERATOR_STOP_TIMEOUT_MS = 25_000;
const TOKEN_DURATION = '1h';
const CRD_DELETE_TIMEOUT = '60s';
const NAMESPACE_DELETE_TIMEOUT = '90s';

const suffix = randomBytes(3).toString('hex');
const namespaces: string[] = [];

const kubectl = (args: string[], input?: string) => runTool('kubectl', args, { input, env: KUBE_ENV });
const kubectlOk = (args: string[], input?: string) => runToolOk('kubectl', args, { input, env: KUBE_ENV });

async function createNamespace(name: string): Promise<string> {
  await kubectlOk(['create', 'namespace', name]);
  namespaces.push(name);
  return name;
}

/** Polls `probe` until it returns a value (not undefined); the timeout error names what was awaited and the last error. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = RECONCILE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** The object as JSON, or undefined while it does not exist. */
async function getObject<T>(kind: string, name: string, namespace: string): Promise<T | undefined> {
  const result = await kubectl(['get', kind, name, '-n', namespace, '-o', 'json']);
  if (result.code !== 0) {
    if (result.stderr.includes('NotFound')) return undefined;
    throw new Error(`kubectl get ${kind}/${name}: ${result.stderr.trim()}`);
  }
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', MONITORING_CRDS]);
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/prometheusrules.monitoring.coreos.com',
    '--timeout=30s',
  ]);
});

afterAll(async () => {
  // Gone before the next test file starts: an operator watching every namespace must not meet these monitors.
  await Promise.all(
    namespaces.map((ns) =>
      kubectlOk(['delete', 'namespace', ns, '--wait=true', `--timeout=${NAMESPACE_DELETE_TIMEOUT}`]),
    ),
  );
  // Wait until the CRDs are gone: the next test file (the operator's ServiceMonitor test) installs its own, which
  // fails while these are still terminating, and operators started meanwhile would see monitoring.coreos.com served.
  await kubectlOk([
    'delete',
    '-f',
    MONITORING_CRDS,
    '--ignore-not-found',
    '--wait=true',
    `--timeout=${CRD_DELETE_TIMEOUT}`,
  ]);
});

describe('kubectl apply --dry-run=server', () => {
  it.each(RENDER_CASES)('accepts the %s render', async (renderCase) => {
    const ns = await createNamespace(`hydra-dry-${renderCase}-${suffix}`);
    // A release name of its own: cluster-scoped objects (ClusterRole hydra-operator of k8s/operator/rbac.yaml, which
    // the operator's tests apply) must not be mistaken for this release's.
    const release = `hydra-dry-${suffix}`;
    const render = await renderChart(renderCase, ns, release);
    const result = await kubectl(['apply', '--dry-run=server', '-n', ns, '-f', '-'], render);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`deployment.apps/${release}-api created (server dry run)`);
  });

  it('accepts the kind end-to-end monitor (deploy/e2e/monitor.yaml)', async () => {
    const ns = await createNamespace(`hydra-dry-e2e-${suffix}`);
    const monitor = parse(await readFile(E2E_MONITOR, 'utf8')) as { metadata: { namespace: string } };
    monitor.metadata.namespace = ns;
    await expect(kubectlOk(['apply', '--dry-run=server', '-f', '-'], stringify(monitor))).resolves.toContain(
      'hydramonitor.hydra.io/e2e created (server dry run)',
    );
  });
});

describe('helm install, then the operator reconciles the sample monitor', () => {
  const release = `hydra-it-${suffix}`;
  let ns: string;
  let workDir: string;
  let operator: ChildProcess | undefined;
  let operatorLog = '';

  beforeAll(async () => {
    ns = await createNamespace(`hydra-install-${suffix}`);
    workDir = await mkdtemp(path.join(tmpdir(), 'hydra-chart-test-'));
  });

  afterAll(async () => {
    if (operator && operator.exitCode === null) operator.kill('SIGKILL');
    await runTool('helm', ['uninstall', release, '-n', ns, '--wait=false'], { env: KUBE_ENV });
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('installs the release', async () => {
    const out = await runToolOk('helm', ['install', release, CHART_DIR, '-n', ns, '--set', 'operator.replicas=1'], {
      env: KUBE_ENV,
    });
    expect(out).toContain('STATUS: deployed');
    expect(out).toContain(`kubectl -n ${ns} get hmon ${SAMPLE_MONITOR}`);
    for (const [kind, name] of [
      ['deployment', `${release}-api`],
      ['deployment', `${release}-operator`],
      ['deployment', `${release}-dashboard`],
      ['statefulset', `${release}-timescaledb`],
      ['secret', `${release}-auth`],
      ['secret', `${release}-database`],
      ['hydramonitor', SAMPLE_MONITOR],
    ] as const) {
      expect(await getObject(kind, name, ns), `${kind}/${name}`).toBeDefined();
    }
  });

  it('keeps generated secrets across helm upgrade', async () => {
    const before = await getObject<{ data: Record<string, string> }>('secret', `${release}-auth`, ns);
    await runToolOk('helm', ['upgrade', release, CHART_DIR, '-n', ns, '--reuse-values'], { env: KUBE_ENV });
    const after = await getObject<{ data: Record<string, string> }>('secret', `${release}-auth`, ns);
    expect(after?.data).toEqual(before?.data);
  });

  it("reconciles the sample monitor as the chart's operator ServiceAccount", async () => {
    // A kubeconfig holding a token of the chart's ServiceAccount: the operator runs with exactly the chart's RBAC.
    const token = (
      await kubectlOk(['create', 'token', `${release}-operator`, '-n', ns, `--duration=${TOKEN_DURATION}`])
    ).trim();
    const admin = parse(await readFile(KUBECONFIG, 'utf8')) as {
      clusters: { cluster: { server: string; 'certificate-authority': string } }[];
    };
    const cluster = admin.clusters[0]!.cluster;
    const kubeconfig = path.join(workDir, 'operator.kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'test', cluster }],
        users: [{ name: 'operator', user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'operator' } }],
        'current-context': 'test',
      }),
    );
    // The arguments of the chart's operator Deployment, minus the HTTP endpoint (no port is needed here).
    const deployment = await getObject<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>(
      'deployment',
      `${release}-operator`,
      ns,
    );
    const args = deployment!.spec.template.spec.containers[0]!.args.filter((a) => !a.startsWith('--http-address'));
    expect(args[0]).toBe('operator');
    operator = spawn(
      process.execPath,
      [path.join(REPO_ROOT, 'cli', 'bin', 'hydra.js'), ...args, '--http-address=', `--namespaces=${ns}`],
      {
        cwd: workDir,
        env: { ...process.env, KUBECONFIG: kubeconfig, POD_NAMESPACE: ns },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    operator.stdout?.on('data', (d: Buffer) => (operatorLog += d.toString()));
    operator.stderr?.on('data', (d: Buffer) => (operatorLog += d.toString()));

    const collectorName = `${release}-collector`;
    const list = async (kinds: string, labels: string) =>
      (
        await kubectlOk([
          'get',
          kinds,
          '-n',
          ns,
          '-l',
          labels,
          '-o',
          'jsonpath={range .items[*]}{.kind}/{.metadata.name}{"\\n"}{end}',
        ])
      )
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort();
    const children = await waitFor(
      `the children of HydraCollector ${collectorName} (operator log: ${operatorLog.slice(-2000)})`,
      async () => {
        const found = await list(
          'configmaps,deployments,services,poddisruptionbudgets,servicemonitors',
          `hydra.io/collector=${collectorName}`,
        );
        return found.length >= 5 ? found : undefined;
      },
    );
    expect(children).toEqual(
      expect.arrayContaining([
        `Deployment/${collectorName}`,
        `Service/${collectorName}`,
        `PodDisruptionBudget/${collectorName}`,
        `ServiceMonitor/${collectorName}`,
      ]),
    );
    expect(children.some((c) => c.startsWith(`ConfigMap/${collectorName}-`))).toBe(true);
    const jobs = await waitFor("the sample monitor's CronJob", async () => {
      const found = await list('cronjobs', `hydra.io/monitor=${SAMPLE_MONITOR},hydra.io/monitor-namespace=${ns}`);
      return found.length === 1 ? found : undefined;
    });
    expect(jobs[0]).toMatch(/^CronJob\/[-a-z0-9]+-[0-9a-f]{6}-anomaly$/);
    const job = JSON.stringify(await getObject('cronjob', jobs[0]!.slice('CronJob/'.length), ns));
    expect(job).toContain(`"serviceAccountName":"${release}-jobs"`);
    expect(job).toContain(`"name":"${release}-database"`);

    // The collector uses the chart's image, database Secret and ingest token.
    const collector = JSON.stringify(await getObject('deployment', collectorName, ns));
    expect(collector).toContain('ghcr.io/hydra-dev/hydra:0.1.0');
    expect(collector).toContain(`"name":"${release}-database"`);
    expect(collector).toContain(`"name":"${release}-auth"`);

    // Status written by the operator: the generation observed and the jobs scheduled (no kubelet, so the collector
    // never becomes available here).
    const status = await waitFor('the sample monitor status', async () => {
      const m = await getObject<{
        metadata: { generation: number };
        status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
      }>('hydramonitor', SAMPLE_MONITOR, ns);
      return m?.status?.observedGeneration === m?.metadata.generation ? m?.status : undefined;
    });
    expect(status.conditions?.find((c) => c.type === 'JobsScheduled')?.status).toBe('True');

    // Deleting the monitor deletes its CronJob through the monitor's finalizer (no owner reference: the jobs of
    // monitors of every namespace run in hydra's), and then the monitor goes.
    await kubectlOk(['delete', 'hydramonitor', SAMPLE_MONITOR, '-n', ns, '--wait=true', '--timeout=60s']);
    expect(await list('cronjobs', `hydra.io/monitor=${SAMPLE_MONITOR}`)).toEqual([]);

    // A clean stop: SIGTERM releases the Lease and exits 0.
    const exited = new Promise<number | null>((resolve) => operator!.once('exit', (code) => resolve(code)));
    operator.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), OPERATOR_STOP_TIMEOUT_MS)),
    ]);
    expect(code, operatorLog.slice(-2000)).toBe(0);
  });
});
