/**
 * HydraCollectors against a real API server: a collector's children (ConfigMap, Deployment, Service, HPA on CPU,
 * PodDisruptionBudget) owned by it, its status; monitors in other namespaces sending through it (collectorRef, or
 * none: the operator's default), their status naming it, and what they say while it does not exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  getMonitor,
  kubectlOk,
  markDeploymentAvailable,
  monitorManifest,
  startTestOperator,
  waitFor,
  type TestOperator,
} from './harness.ts';

const DEFAULT = 'shared';
const FLEET = 'fleet';
let teamA: string;
let teamB: string;
let operator: TestOperator;

interface Owned {
  metadata: { name: string; ownerReferences?: { kind: string; uid: string; controller?: boolean }[] };
  spec: Record<string, unknown>;
}
interface CollectorObject {
  metadata: { uid: string; generation: number };
  status?: {
    observedGeneration?: number;
    endpoint?: string;
    ready?: string;
    conditions?: { type: string; status: string; reason: string }[];
  };
}

const hydraPath = (kind: string, name: string, group = 'apis/apps/v1') =>
  `/${group}/namespaces/${operator.hydraNamespace}/${kind}/${name}`;
const collectorPath = (name: string) => hydraPath('hydracollectors', name, 'apis/hydra.io/v1alpha1');

async function createCollector(name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${operator.hydraNamespace}/hydracollectors`, {
    body: { apiVersion: 'hydra.io/v1alpha1', kind: 'HydraCollector', metadata: { name }, spec },
  });
}

beforeAll(async () => {
  teamA = await createNamespace('team-a');
  teamB = await createNamespace('team-b');
  operator = await startTestOperator({ namespaces: [teamA, teamB], defaultCollector: DEFAULT });
});

afterAll(async () => {
  await operator?.stop();
  for (const ns of [teamA, teamB]) if (ns) await deleteNamespace(ns);
});

describe('a HydraCollector', () => {
  it('gets its Deployment, Service, ConfigMap, HPA and PDB, owned by it, and a status with its endpoint', async () => {
    await createCollector(FLEET, {
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 60 },
    });
    const collector = (await admin.get<CollectorObject>(collectorPath(FLEET)))!;
    const deployment = await waitFor('the Deployment', () => admin.get<Owned>(hydraPath('deployments', FLEET)));
    const service = await waitFor('the Service', () => admin.get<Owned>(hydraPath('services', FLEET, 'api/v1')));
    const hpa = await waitFor('the HPA', () =>
      admin.get<Owned>(hydraPath('horizontalpodautoscalers', FLEET, 'apis/autoscaling/v2')),
    );
    const pdb = await waitFor('the PDB', () =>
      admin.get<Owned>(hydraPath('poddisruptionbudgets', FLEET, 'apis/policy/v1')),
    );
    for (const child of [deployment, service, hpa, pdb])
      expect(child.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'HydraCollector', uid: collector.metadata.uid, controller: true }),
      ]);
    // the HPA owns the replica count: the operator does not set it
    expect(deployment.spec.replicas).toBe(1); // the API server's default until the HPA controller scales it
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { kind: 'Deployment', name: FLEET },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 60 } } }],
    });
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1 });
    const status = await waitFor('the collector status', async () => {
      const c = await admin.get<CollectorObject>(collectorPath(FLEET));
      return c?.status?.observedGeneration === 1 && c.status;
    });
    expect(status.endpoint).toBe(`http://${FLEET}.${operator.hydraNamespace}.svc:4317`);
    expect(status.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False' });
    await markDeploymentAvailable(operator.hydraNamespace, FLEET);
    await waitFor(
      'the collector Ready',
      async () => (await admin.get<CollectorObject>(collectorPath(FLEET)))?.status?.conditions?.[0]?.status === 'True',
    );
    const row = await kubectlOk(['get', 'hcol', FLEET, '-n', operator.hydraNamespace, '--no-headers']);
    expect(row).toMatch(new RegExp(`^${FLEET}\\s+True\\s+http://${FLEET}\\.`));
  });

  it('carries the data of monitors in other namespaces that name it; they are Ready with it', async () => {
    for (const ns of [teamA, teamB])
      await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
        body: monitorManifest(ns, 'web', {
          selector: { metric: 'http.server.request.duration' },
          collectorRef: { name: FLEET, namespace: operator.hydraNamespace },
        }),
      });
    for (const ns of [teamA, teamB]) {
      const m = await waitFor(`${ns}/web Ready`, async () => {
        const got = await getMonitor(ns, 'web');
        return condition(got, 'Ready')?.status === 'True' && got;
      });
      expect(m.status?.collector).toMatchObject({
        name: `${operator.hydraNamespace}/${FLEET}`,
        endpoint: `http://${FLEET}.${operator.hydraNamespace}.svc:4317`,
      });
      // nothing of the collector in the monitor's namespace
      const deployments = await admin.request<{ items: unknown[] }>(
        'GET',
        `/apis/apps/v1/namespaces/${ns}/deployments`,
      );
      expect(deployments.items).toEqual([]);
    }
  });

  it("shows a monitor's last job run and its outcome (the Job the CronJob controller would start)", async () => {
    const jobs = await admin.request<{
      items: {
        metadata: { name: string; uid: string };
        spec: { jobTemplate: { metadata: { labels: Record<string, string> }; spec: { template: unknown } } };
      }[];
    }>('GET', `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs`, {
      query: { labelSelector: `hydra.io/monitor-namespace=${teamA},hydra.io/monitor=web` },
    });
    const cronJob = jobs.items[0]!;
    // No CronJob controller runs here: create its Job (the jobTemplate's labels, owned by the CronJob) and fail it.
    const jobPath = `/apis/batch/v1/namespaces/${operator.hydraNamespace}/jobs`;
    const name = `${cronJob.metadata.name.slice(0, 40)}-29000000`;
    await admin.request('POST', jobPath, {
      body: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          name,
          labels: cronJob.spec.jobTemplate.metadata.labels,
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'CronJob',
              name: cronJob.metadata.name,
              uid: cronJob.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { ...(cronJob.spec.jobTemplate.spec as object), suspend: true },
      },
    });
    const running = await waitFor('lastRun Running', async () => {
      const m = await getMonitor(teamA, 'web');
      const run = (m?.status as { jobs?: { anomaly?: { lastRun?: { name: string; outcome: string } } } })?.jobs?.anomaly
        ?.lastRun;
      return run?.name === name && run;
    });
    expect(running.outcome).toBe('Running');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await admin.request('PATCH', `${jobPath}/${name}/status`, {
      contentType: 'application/merge-patch+json',
      body: {
        status: {
          startTime: now,
          failed: 3,
          conditions: [
            {
              type: 'FailureTarget',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastTransitionTime: now,
              lastProbeTime: now,
            },
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
              lastTransitionTime: now,
              lastProbeTime: now,
            },
          ],
        },
      },
    });
    const failed = await waitFor('lastRun Failed', async () => {
      const m = await getMonitor(teamA, 'web');
      const run = (m?.status as { jobs?: { anomaly?: { lastRun?: { outcome: string; message?: string } } } })?.jobs
        ?.anomaly?.lastRun;
      return run?.outcome === 'Failed' && run;
    });
    expect(failed.message).toContain('BackoffLimitExceeded');
  });

  it('is what monitors that name none use: the default; until it exists they say so', async () => {
    await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${teamA}/hydramonitors`, {
      body: monitorManifest(teamA, 'orders', { selector: { metric: 'orders.created' } }),
    });
    const waiting = await waitFor('CollectorNotFound', async () => {
      const got = await getMonitor(teamA, 'orders');
      return condition(got, 'CollectorAvailable')?.reason === 'CollectorNotFound' && got;
    });
    expect(condition(waiting, 'CollectorAvailable')?.message).toContain(`${operator.hydraNamespace}/${DEFAULT}`);
    expect(condition(waiting, 'JobsScheduled')?.status).toBe('True');
    await createCollector(DEFAULT);
    await waitFor('the default collector Deployment', () => admin.get(hydraPath('deployments', DEFAULT)));
    await markDeploymentAvailable(operator.hydraNamespace, DEFAULT);
    const ready = await waitFor('orders Ready', async () => {
      const got = await getMonitor(teamA, 'orders');
      return condition(got, 'Ready')?.status === 'True' && got;
    });
    expect(ready.status?.collector).toMatchObject({ name: `${operator.hydraNamespace}/${DEFAULT}`, ready: '2/2' });
  });

  it('takes its children when deleted, and its monitors say it is gone', async () => {
    await admin.delete(collectorPath(FLEET));
    await waitFor(
      'the Deployment garbage-collected',
      async () => (await admin.get(hydraPath('deployments', FLEET))) === undefined,
      90_000,
      500,
    );
    await waitFor(
      'CollectorNotFound',
      async () => condition(await getMonitor(teamB, 'web'), 'CollectorAvailable')?.reason === 'CollectorNotFound',
    );
  });
});
