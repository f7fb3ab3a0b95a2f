/**
 * The platform model at scale: HYDRA_K8S_SCALE_MONITORS (default 200; the bench figure uses 1,000) HydraMonitors in
 * 20 namespaces sharing 2 HydraCollectors. Every one becomes Ready (its CronJob in hydra's namespace, its shared
 * collector available) and at steady state the operator writes nothing (HYDRA_K8S_STEADY_SECONDS, default 60).
 * How long it took, what a monitor costs in API requests and the memory of the process are printed as figures for
 * bench/README.md "Operator", not asserted: they depend on the machine's load.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  markDeploymentAvailable,
  monitorManifest,
  startTestOperator,
  waitFor,
  type MonitorObject,
  type TestOperator,
} from './harness.ts';

const MONITORS = Number(process.env.HYDRA_K8S_SCALE_MONITORS ?? 200);
const NAMESPACES = 20;
const WORKERS = Number(process.env.HYDRA_K8S_SCALE_WORKERS ?? 4);
const COLLECTORS = ['fleet-a', 'fleet-b'];
/** A bound that only catches a hang: 1,000 monitors took 220 s on 2 cores at load average 15-19 (bench/README). */
const READY_TIMEOUT_MS = 600_000;
const STEADY_SECONDS = Number(process.env.HYDRA_K8S_STEADY_SECONDS ?? 60);
const CREATE_CONCURRENCY = 10;
const MiB = 1024 * 1024;

const namespaces: string[] = [];
let operator: TestOperator;

afterAll(async () => {
  await operator?.stop();
  for (const ns of namespaces) await deleteNamespace(ns);
});

async function readyCount(): Promise<number> {
  let ready = 0;
  for (const ns of namespaces) {
    const list = await admin.request<{ items: MonitorObject[] }>(
      'GET',
      `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`,
    );
    ready += list.items.filter(
      (m) => m.status?.observedGeneration === 1 && condition(m, 'Ready')?.status === 'True',
    ).length;
  }
  return ready;
}

describe(`${MONITORS} monitors in ${NAMESPACES} namespaces sharing ${COLLECTORS.length} collectors`, () => {
  it('are all Ready, then the operator makes no writes at steady state', async () => {
    for (let i = 0; i < NAMESPACES; i++) namespaces.push(await createNamespace(`scale${i}`));
    operator = await startTestOperator({ namespaces: [...namespaces], workers: WORKERS });
    const hydraNs = operator.hydraNamespace;
    // The shared collectors, available before the monitors come (the harness plays the deployment controller).
    for (const name of COLLECTORS)
      await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${hydraNs}/hydracollectors`, {
        body: { apiVersion: 'hydra.io/v1alpha1', kind: 'HydraCollector', metadata: { name, namespace: hydraNs } },
      });
    for (const name of COLLECTORS) {
      await waitFor(`the Deployment of ${name}`, () =>
        admin.get(`/apis/apps/v1/namespaces/${hydraNs}/deployments/${name}`),
      );
      await markDeploymentAvailable(hydraNs, name);
    }
    const requestsBefore = operator.metrics.totalRequests();
    const writesBefore = operator.metrics.writes();
    const rssBefore = process.memoryUsage().rss;

    const started = performance.now();
    const monitors = Array.from({ length: MONITORS }, (_, i) => ({
      ns: namespaces[i % NAMESPACES]!,
      name: `m-${String(i).padStart(4, '0')}`,
      collector: COLLECTORS[i % COLLECTORS.length]!,
    }));
    for (let i = 0; i < monitors.length; i += CREATE_CONCURRENCY) {
      await Promise.all(
        monitors.slice(i, i + CREATE_CONCURRENCY).map(({ ns, name, collector }) =>
          admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
            body: monitorManifest(ns, name, {
              selector: { metric: `metric_${name}` },
              collectorRef: { name: collector, namespace: hydraNs },
            }),
          }),
        ),
      );
    }
    const createdMs = performance.now() - started;
    await waitFor(
      `all ${MONITORS} monitors Ready`,
      async () => (await readyCount()) === MONITORS,
      READY_TIMEOUT_MS,
      500,
    );
    const elapsedMs = performance.now() - started;
    const jobs = await admin.request<{ items: unknown[] }>('GET', `/apis/batch/v1/namespaces/${hydraNs}/cronjobs`);
    expect(jobs.items).toHaveLength(MONITORS);
    const deployments = await admin.request<{ items: unknown[] }>(
      'GET',
      `/apis/apps/v1/namespaces/${hydraNs}/deployments`,
    );
    expect(deployments.items).toHaveLength(COLLECTORS.length);

    // Let the echo reconciles (status writes come back as watch events) drain.
    await waitFor('the work queue to drain', async () => {
      const w = operator.metrics.writes();
      await new Promise((r) => setTimeout(r, 1500));
      return operator.metrics.writes() === w;
    });
    const requests = operator.metrics.totalRequests() - requestsBefore;
    const writes = operator.metrics.writes() - writesBefore;

    const steadyFrom = operator.metrics.writes();
    const steadyRequests = operator.metrics.totalRequests();
    await new Promise((r) => setTimeout(r, STEADY_SECONDS * 1000));
    const steadyWrites = operator.metrics.writes() - steadyFrom;
    const steadyAll = operator.metrics.totalRequests() - steadyRequests;
    global.gc?.();
    const memory = process.memoryUsage();

    const figures = {
      monitors: MONITORS,
      namespaces: NAMESPACES,
      collectors: COLLECTORS.length,
      workers: WORKERS,
      createSeconds: Number((createdMs / 1000).toFixed(2)),
      allReadySeconds: Number((elapsedMs / 1000).toFixed(2)),
      apiRequestsPerMonitor: Number((requests / MONITORS).toFixed(2)),
      writesPerMonitor: Number((writes / MONITORS).toFixed(2)),
      steadySeconds: STEADY_SECONDS,
      steadyWrites,
      steadyRequests: steadyAll,
      // the test process: vitest's worker plus the operator in it, an upper bound of the operator's own
      processRssMiB: Math.round(memory.rss / MiB),
      processRssGrowthMiB: Math.round((memory.rss - rssBefore) / MiB),
      heapUsedMiB: Math.round(memory.heapUsed / MiB),
    };
    console.log(`operator scale figures: ${JSON.stringify(figures)}`);
    expect(steadyWrites).toBe(0);
  }, 900_000);
});
