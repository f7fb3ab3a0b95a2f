/**
 * The chart on a real node: `scripts/testenv.sh start --node` runs a one-node cluster of its own (kubelet,
 * kube-proxy, containerd, CNI bridge, CoreDNS; state in its own directory, apart from the shared control plane the
 * other k8s files use), hydra's images from scripts/images.sh are loaded into the node, and then what
 * deploy/e2e/run.sh asserts after a `helm install` runs for real: the chart in PostgreSQL mode (a PostgreSQL pod from
 * the Debian stand-in image is the database) with every pod Ready; deploy/e2e/monitor.yaml applied with kubectl makes
 * the operator deploy its collector (Running) and CronJobs; OTLP sent to the collector Service is read back through
 * the API Service; a Job made from the anomaly CronJob completes and its alert is served; `helm uninstall` (after the
 * monitor is deleted: the chart keeps HydraMonitors, docs/install.md) leaves nothing behind. Prints `helm install` to
 * all pods Ready and `kubectl apply` of the HydraMonitor to its collector Running (bench/README.md "Operator").
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { waitFor } from '../../../cli/test/helpers.ts';
import { CHART_DIR, REPO_ROOT, runTool, runToolOk } from '../tools.ts';

/** The node cluster's own state directory (never the shared control plane's HYDRA_TESTENV_DIR). */
const NODE_STATE = path.join(tmpdir(), `hydra-testenv-node-${process.getuid?.() ?? 0}`);
const TESTENV_ENV = { HYDRA_TESTENV_DIR: NODE_STATE };
const KUBECONFIG = path.join(NODE_STATE, 'kubeconfig');
const KUBE_ENV = { KUBECONFIG };
const NS = 'hydra';
const RELEASE = 'hydra';
const MONITOR_FILE = path.join(REPO_ROOT, 'deploy', 'e2e', 'monitor.yaml');
const VALUES_FILE = path.join(REPO_ROOT, 'deploy', 'e2e', 'values.yaml');
const VERSION = process.env.HYDRA_VERSION ?? '0.1.0';
/** The images scripts/images.sh builds that the chart and the operator run, and the PostgreSQL stand-in. */
const HYDRA_IMAGE = `ghcr.io/hydra-dev/hydra:${VERSION}`;
const DASHBOARD_IMAGE = `ghcr.io/hydra-dev/hydra-dashboard:${VERSION}`;
/** deploy/compose/standins.yml's PostgreSQL (Debian's package), built by `scripts/images.sh compose-standins`. */
const POSTGRES_IMAGE = 'local/hydra-standin-postgres:r1';
const POSTGRES_PASSWORD = randomBytes(12).toString('hex');
const POINTS = 120;
const HOST = 'e2e-1';
/** Building images and starting the node on a loaded 2-core machine; the first image build takes longer. */
const SETUP_TIMEOUT_MS = 1_800_000;
const STEP_TIMEOUT_MS = 300_000;

const kubectl = (args: string[], input?: string) => runToolOk('kubectl', args, { input, env: KUBE_ENV });
const helm = (args: string[]) => runToolOk('helm', args, { env: KUBE_ENV });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function script(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const result = await runTool('bash', args, { env });
  if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}:\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status: { phase: string; conditions?: Array<{ type: string; status: string }> };
}
const isReady = (pod: Pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function pods(selector?: string): Promise<Pod[]> {
  const out = await kubectl(['get', 'pods', '-n', NS, '-o', 'json', ...(selector ? ['-l', selector] : [])]);
  return (JSON.parse(out) as { items: Pod[] }).items;
}

/** A Service's ClusterIP: the node (this machine) reaches it through kube-proxy's rules, as pods do. */
async function serviceUrl(name: string, port: number): Promise<string> {
  const ip = await kubectl(['get', 'service', name, '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']);
  return `http://${ip}:${port}`;
}

/** The names of every namespaced object (all listable kinds) left in NS, and the cluster-scoped ones of the release. */
async function leftovers(): Promise<string[]> {
  const kinds = (await kubectl(['api-resources', '--verbs=list', '--namespaced', '-o', 'name']))
    .split('\n')
    .filter((k) => k && !k.startsWith('events'));
  const names = (await kubectl(['get', kinds.join(','), '-n', NS, '-o', 'name', '--ignore-not-found'])).split('\n');
  const cluster = await kubectl([
    'get',
    'clusterroles,clusterrolebindings',
    '-l',
    `app.kubernetes.io/instance=${RELEASE}`,
    '-o',
    'name',
  ]);
  return [...names, ...cluster.split('\n')].filter(Boolean);
}

/**
 * What the namespace holds without hydra: the test's PostgreSQL, what Kubernetes puts in every namespace, and the
 * operator's leader-election Lease, which no one deletes (helm never created it) — as client-go's controllers leave
 * theirs (docs/install.md).
 */
const EXPECTED_REMAINS =
  /^(pod\/postgres|service\/postgres|endpoints\/postgres|endpointslice\.discovery\.k8s\.io\/postgres-.*|configmap\/kube-root-ca\.crt|serviceaccount\/default|lease\.coordination\.k8s\.io\/hydra-operator)$/;

describe('the chart on a real node (kubelet, containerd, CNI, kube-proxy, CoreDNS)', () => {
  let workDir: string;
  let jwtSecret: string;
  let ingestToken: string;
  let monitorName: string;
  let anomalyCronJob: string;

  beforeAll(async () => {
    // what the machine must have for the node is checked before the k8s project runs (testing/preflight.ts)
    for (const step of ['build', 'compose-standins']) await script(['scripts/images.sh', step]);
    await script(['scripts/testenv.sh', 'stop'], TESTENV_ENV);
    await script(['scripts/testenv.sh', 'start', '--node'], TESTENV_ENV);
    await script(['scripts/testenv.sh', 'images', HYDRA_IMAGE, DASHBOARD_IMAGE, POSTGRES_IMAGE], TESTENV_ENV);
    workDir = await mkdtemp(path.join(tmpdir(), 'hydra-node-e2e-'));
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
    await script(['scripts/testenv.sh', 'stop'], TESTENV_ENV);
  }, STEP_TIMEOUT_MS);

  it(
    'a pod from a local image runs Ready on the node: the PostgreSQL stand-in, reached by its Service name',
    async () => {
      await kubectl(['create', 'namespace', NS]);
      await kubectl(
        ['apply', '-f', '-'],
        stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: [
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'postgres', namespace: NS, labels: { app: 'postgres' } },
              spec: {
                containers: [
                  {
                    name: 'postgres',
                    image: POSTGRES_IMAGE,
                    imagePullPolicy: 'Never',
                    env: [
                      { name: 'POSTGRES_USER', value: 'hydra' },
                      { name: 'POSTGRES_PASSWORD', value: POSTGRES_PASSWORD },
                      { name: 'POSTGRES_DB', value: 'hydra' },
                    ],
                    ports: [{ containerPort: 5432 }],
                    readinessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 2 },
                  },
                ],
              },
            },
            {
              apiVersion: 'v1',
              kind: 'Service',
              metadata: { name: 'postgres', namespace: NS },
              spec: { selector: { app: 'postgres' }, ports: [{ port: 5432 }] },
            },
          ],
        }),
      );
      await kubectl(['wait', '-n', NS, 'pod/postgres', '--for=condition=Ready', '--timeout=300s']);
      // cluster DNS answers for the Service from inside a pod
      const resolved = await kubectl([
        'exec',
        '-n',
        NS,
        'postgres',
        '--',
        'getent',
        'hosts',
        `postgres.${NS}.svc.cluster.local`,
      ]);
      const clusterIp = await kubectl(['get', 'service', 'postgres', '-n', NS, '-o', 'jsonpath={.spec.clusterIP}']);
      expect(resolved.split(/\s+/)[0]).toBe(clusterIp);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '`helm install` in PostgreSQL mode: every pod becomes Ready',
    async () => {
      const values = parse(await readFile(VALUES_FILE, 'utf8')) as {
        auth: { jwtSecret: string; ingestToken: string };
      } & Record<string, unknown>;
      jwtSecret = values.auth.jwtSecret;
      ingestToken = values.auth.ingestToken;
      const valuesFile = path.join(workDir, 'values.yaml');
      await writeFile(
        valuesFile,
        stringify({
          ...values,
          timescaledb: { enabled: false },
          database: {
            storage: 'postgres',
            external: { url: `postgres://hydra:${POSTGRES_PASSWORD}@postgres.${NS}.svc:5432/hydra` },
          },
        }),
      );
      const started = Date.now();
      await helm(['install', RELEASE, CHART_DIR, '-n', NS, '-f', valuesFile]);
      const ready = await waitFor(
        'every pod of the release (and of its shared HydraCollector) to be Ready',
        async () => {
          const all = (await pods()).filter((p) => p.metadata.name !== 'postgres');
          const components = new Set(all.map((p) => p.metadata.labels?.['app.kubernetes.io/component']));
          const expected = ['api', 'dashboard', 'operator', 'collector'];
          return expected.every((c) => components.has(c)) && all.every(isReady) ? all : undefined;
        },
        STEP_TIMEOUT_MS - 30_000,
        1000,
      ).catch(async (err: Error) => {
        const status = await runTool('kubectl', ['get', 'pods', '-n', NS, '-o', 'wide'], { env: KUBE_ENV });
        const events = await runTool('kubectl', ['get', 'events', '-n', NS, '--sort-by=.lastTimestamp'], {
          env: KUBE_ENV,
        });
        throw new Error(`${err.message}\n${status.stdout}\n${events.stdout.slice(-3000)}`);
      });
      const elapsed = Date.now() - started;
      console.log(`helm install to all ${ready.length} pods Ready: ${seconds(elapsed)}`);
      expect([...new Set(ready.map((p) => p.metadata.labels?.['app.kubernetes.io/component']))].sort()).toEqual([
        'api',
        'collector',
        'dashboard',
        'operator',
      ]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a HydraMonitor applied with kubectl: the operator deploys its collector (Running) and CronJobs',
    async () => {
      const monitor = parse(await readFile(MONITOR_FILE, 'utf8')) as {
        metadata: { name: string; namespace: string };
        spec: { collector: { image: string } };
      };
      monitorName = monitor.metadata.name;
      monitor.spec.collector.image = HYDRA_IMAGE;
      const started = Date.now();
      await kubectl(['apply', '-f', '-'], stringify(monitor));
      await waitFor(
        'the collector pod to be Running and Ready',
        async () => {
          const collectors = await pods(
            `app.kubernetes.io/instance=${monitorName},app.kubernetes.io/component=collector`,
          );
          return collectors.some((p) => p.status.phase === 'Running' && isReady(p)) ? true : undefined;
        },
        STEP_TIMEOUT_MS - 60_000,
        250,
      ).catch(async (err: Error) => {
        const logs = await runTool('kubectl', ['logs', '-n', NS, `deploy/${monitorName}-collector`, '--tail=20'], {
          env: KUBE_ENV,
        });
        throw new Error(`${err.message}\n${logs.stdout}${logs.stderr}`);
      });
      console.log(
        `kubectl apply of a HydraMonitor to its collector Running and Ready: ${seconds(Date.now() - started)}`,
      );
      await kubectl(['wait', '-n', NS, `hmon/${monitorName}`, '--for=condition=Ready', '--timeout=120s']);
      await kubectl(['rollout', 'status', '-n', NS, `deploy/${monitorName}-collector`, '--timeout=120s']);
      // the monitor's CronJobs live in hydra's namespace, labelled with the monitor they analyse
      anomalyCronJob = await kubectl([
        'get',
        'cronjobs',
        '-n',
        NS,
        '-l',
        `hydra.io/monitor=${monitorName},hydra.io/monitor-namespace=${NS},app.kubernetes.io/component=anomaly-job`,
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ]);
      expect(anomalyCronJob).toMatch(/-anomaly$/);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'OTLP sent to the collector Service is read back through the API Service',
    async () => {
      const now = Math.floor(Date.now() / 60_000) * 60_000;
      const dataPoints = Array.from({ length: POINTS }, (_, i) => ({
        timeUnixNano: String(BigInt(now - (POINTS - 1 - i) * 60_000) * 1_000_000n),
        // a steady series ending in a spike (deploy/e2e/run.sh)
        asDouble: i >= POINTS - 3 ? 0.99 : 0.3 + 0.01 * Math.sin(i / 5),
      }));
      const body = {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'host.name', value: { stringValue: HOST } }] },
            scopeMetrics: [
              { scope: { name: 'e2e' }, metrics: [{ name: 'e2e.cpu', unit: '1', gauge: { dataPoints } }] },
            ],
          },
        ],
      };
      const collector = await serviceUrl(`${monitorName}-collector`, 4318);
      const sent = await fetch(`${collector}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestToken}` },
        body: JSON.stringify(body),
      });
      expect(sent.status, await sent.text()).toBe(200);

      const api = await serviceUrl(`${RELEASE}-api`, 8080);
      const token = await new SignJWT({ scope: 'metrics:read alerts:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('node-e2e')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(jwtSecret));
      const query = new URLSearchParams({ name: 'e2e.cpu', host: HOST, from: 'now-3h', to: 'now+5m' });
      const served = await waitFor(
        'the points to be served by the API',
        async () => {
          const res = await fetch(`${api}/metrics?${query}`, { headers: { authorization: `Bearer ${token}` } });
          if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: ${await res.text()}`);
          const result = (await res.json()) as { series: Array<{ points: unknown[] }> };
          const count = result.series.reduce((n, s) => n + s.points.length, 0);
          return count >= POINTS - 5 ? count : undefined;
        },
        60_000,
        1000,
      );
      expect(served).toBeGreaterThanOrEqual(POINTS - 5);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a Job made from the anomaly CronJob runs to completion and its alert is served',
    async () => {
      await kubectl(['create', 'job', '-n', NS, 'e2e-anomaly-now', `--from=cronjob/${anomalyCronJob}`]);
      await kubectl(['wait', '-n', NS, 'job/e2e-anomaly-now', '--for=condition=Complete', '--timeout=240s']);
      const api = await serviceUrl(`${RELEASE}-api`, 8080);
      const token = await new SignJWT({ scope: 'metrics:read alerts:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('node-e2e')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(jwtSecret));
      const alerts = await waitFor(
        'a firing alert of the monitor',
        async () => {
          const res = await fetch(`${api}/alerts?${new URLSearchParams({ monitor: `${NS}/${monitorName}` })}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          if (!res.ok) throw new Error(`GET /alerts answered ${res.status}: ${await res.text()}`);
          const text = await res.text();
          return text.includes('"firing"') ? text : undefined;
        },
        60_000,
        1000,
      );
      expect(alerts).toContain(HOST);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '`helm uninstall` (the HydraMonitor deleted first) leaves nothing behind',
    async () => {
      await kubectl(['delete', '-n', NS, `hmon/${monitorName}`, '--wait=true', '--timeout=120s']);
      // (the Job is the CronJob's, so the monitor's deletion has normally taken it already)
      await kubectl(['delete', '-n', NS, 'job/e2e-anomaly-now', '--ignore-not-found', '--wait=true', '--timeout=120s']);
      await helm(['uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '180s']);
      const left = await waitFor(
        'the release and the monitor to be gone',
        async () => {
          const remaining = (await leftovers()).filter((name) => !EXPECTED_REMAINS.test(name));
          return remaining.length === 0 ? remaining : undefined;
        },
        120_000,
        1000,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${(await leftovers()).join(', ')}`);
      });
      expect(left).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );
});
