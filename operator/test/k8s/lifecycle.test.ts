/**
 * A monitor's life against a real API server, with the operator running as its own ServiceAccount: a monitor with
 * a dedicated collector (the model before HydraCollector): children and status on create, its CronJobs in hydra's
 * namespace, a rolling config change, pruning, drift repair, pause, Events, and deletion: the collector by the
 * garbage collector of kube-controller-manager, the CronJobs through the monitor's finalizer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATION_CONFIG_HASH, FIELD_MANAGER, FINALIZER_JOBS, jobName } from '@hydra/operator';
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

interface Child {
  metadata: {
    name: string;
    uid: string;
    generation?: number;
    labels?: Record<string, string>;
    ownerReferences?: { uid: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown>;
}

let ns: string;
let operator: TestOperator;
const NAME = 'api-latency';

const get = <T = Child>(path: string) => admin.get<T>(path);
const deploymentPath = () => `/apis/apps/v1/namespaces/${ns}/deployments/${NAME}-collector`;
const cronJobPath = (kind: 'anomaly' | 'forecast') =>
  `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs/${jobName({ metadata: { namespace: ns, name: NAME } } as never, kind)}`;
const monitorPath = () => `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors/${NAME}`;
const podTemplateHash = (d: Child | undefined) =>
  (d?.spec as { template: { metadata: { annotations: Record<string, string> } } } | undefined)?.template.metadata
    .annotations[ANNOTATION_CONFIG_HASH];
const configMaps = async () =>
  (
    await admin.request<{ items: Child[] }>('GET', `/api/v1/namespaces/${ns}/configmaps`, {
      query: { labelSelector: `hydra.io/monitor=${NAME}` },
    })
  ).items;

async function patchMonitor(spec: Record<string, unknown>): Promise<void> {
  await admin.request('PATCH', monitorPath(), { contentType: 'application/merge-patch+json', body: { spec } });
}

beforeAll(async () => {
  ns = await createNamespace('lifecycle');
  operator = await startTestOperator({ namespaces: [ns] });
});

afterAll(async () => {
  await operator?.stop();
  if (ns) await deleteNamespace(ns);
});

describe('a HydraMonitor', () => {
  it("gets its collector, Service, ConfigMap (owned by it), its CronJob in hydra's namespace, and a status", async () => {
    await kubectlOk(
      ['apply', '-f', '-'],
      JSON.stringify(
        monitorManifest(ns, NAME, { selector: { metric: 'http.server.request.duration' }, collector: {} }),
      ),
    );
    const monitor = (await getMonitor(ns, NAME))!;
    const deployment = await waitFor('the collector Deployment', () => get(deploymentPath()));
    const service = await waitFor('the collector Service', () =>
      get(`/api/v1/namespaces/${ns}/services/${NAME}-collector`),
    );
    const cronJob = await waitFor<Child>('the anomaly CronJob', () => get(cronJobPath('anomaly')));
    const [configMap] = await waitFor<Child[]>('the collector ConfigMap', async () => {
      const cms = await configMaps();
      return cms.length === 1 && cms;
    });
    for (const child of [deployment, service, configMap!]) {
      expect(child.metadata.ownerReferences).toEqual([
        expect.objectContaining({ uid: monitor.metadata.uid, controller: true, blockOwnerDeletion: true }),
      ]);
    }
    // no owner reference across namespaces: labels name the monitor, a finalizer cleans up
    expect(cronJob.metadata.ownerReferences).toBeUndefined();
    expect(cronJob.metadata.labels).toMatchObject({ 'hydra.io/monitor': NAME, 'hydra.io/monitor-namespace': ns });
    await waitFor('the finalizer', async () =>
      (await admin.get<{ metadata: { finalizers?: string[] } }>(monitorPath()))?.metadata.finalizers?.includes(
        FINALIZER_JOBS,
      ),
    );
    expect(configMap!.metadata.name).toBe(`${NAME}-collector-${podTemplateHash(deployment)}`);
    expect(await get(cronJobPath('forecast'))).toBeUndefined();

    const status = await waitFor('status for generation 1', async () => {
      const m = await getMonitor(ns, NAME);
      return m?.status?.observedGeneration === 1 && condition(m, 'JobsScheduled')?.status === 'True' && m;
    });
    expect(condition(status, 'CollectorAvailable')).toMatchObject({
      status: 'False',
      reason: 'RollingOut',
      observedGeneration: 1,
    });
    expect(condition(status, 'Ready')).toMatchObject({ status: 'False', reason: 'CollectorUnavailable' });
    expect(status.status?.collector?.endpoint).toBe(`http://${NAME}-collector.${ns}.svc:4317`);
  });

  it('turns Ready when the collector pods are available, with printer columns and events for kubectl', async () => {
    await markDeploymentAvailable(ns, `${NAME}-collector`);
    const m = await waitFor('Ready=True', async () => {
      const mon = await getMonitor(ns, NAME);
      return condition(mon, 'Ready')?.status === 'True' && mon;
    });
    expect(condition(m, 'Ready')).toMatchObject({ reason: 'Ready', observedGeneration: 1 });
    expect(condition(m, 'CollectorAvailable')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: '1/1 collector pods available',
    });
    const row = (await kubectlOk(['get', 'hmon', NAME, '-n', ns, '--no-headers'])).trim();
    expect(row).toMatch(new RegExp(`^${NAME}\\s+True\\s+http\\.server\\.request\\.duration\\s+dedicated\\s+1/1\\s`));
    const describe = await kubectlOk(['describe', 'hmon', NAME, '-n', ns]);
    expect(describe).toMatch(/Type:\s+Ready/);
    expect(describe).toMatch(/Normal\s+Reconciled\s+.*generation 1 applied/);
  });

  it('rolls the collector on a config change and deletes the old ConfigMap', async () => {
    const before = podTemplateHash(await get(deploymentPath()));
    await patchMonitor({ collector: { limits: { maxSeriesPerMetric: 1000 } } });
    const after = await waitFor('a new config hash on the pod template', async () => {
      const h = podTemplateHash(await get(deploymentPath()));
      return h !== before && h;
    });
    const names = await waitFor<string[]>('only the new ConfigMap', async () => {
      const cms = await configMaps();
      return cms.length === 1 && cms.map((c) => c.metadata.name);
    });
    expect(names).toEqual([`${NAME}-collector-${after}`]);
    const m = await waitFor('observedGeneration 2', async () => {
      const mon = await getMonitor(ns, NAME);
      return mon?.status?.observedGeneration === 2 && mon;
    });
    expect(m.status?.collector?.configHash).toBe(after);
    expect(condition(m, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'CollectorUnavailable',
      observedGeneration: 2,
    });
  });

  it('creates and prunes the forecast CronJob as forecasting is switched on and off', async () => {
    await patchMonitor({ forecast: { enabled: true, schedule: '7 * * * *' } });
    const job = await waitFor('the forecast CronJob', () =>
      get<{ spec: { schedule: string; jobTemplate: unknown } }>(cronJobPath('forecast')),
    );
    expect(job.spec.schedule).toBe('7 * * * *');
    expect(JSON.stringify(job.spec.jobTemplate)).toContain(`"args":["job","forecast","--monitor","${ns}/${NAME}"]`);
    await patchMonitor({ forecast: { enabled: false } });
    await waitFor('the forecast CronJob to be deleted', async () => (await get(cronJobPath('forecast'))) === undefined);
  });

  it('repairs a child changed behind its back', async () => {
    await admin.request('PATCH', deploymentPath(), {
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 5 } },
    });
    await waitFor(
      'replicas restored to 1',
      async () => (await get<{ spec: { replicas: number } }>(deploymentPath()))?.spec.replicas === 1,
    );
    const managers = (await get<{ metadata: { managedFields: { manager: string; operation: string }[] } }>(
      deploymentPath(),
    ))!.metadata.managedFields;
    expect(managers).toContainEqual(expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' }));
  });

  it('leaves children alone while paused', async () => {
    await patchMonitor({ paused: true });
    await waitFor(
      'Ready=False/Paused',
      async () => condition(await getMonitor(ns, NAME), 'Ready')?.reason === 'Paused',
    );
    await patchMonitor({ collector: { replicas: 3 } });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get<{ spec: { replicas: number } }>(deploymentPath()))?.spec.replicas).toBe(1);
    await patchMonitor({ paused: false });
    await waitFor(
      'replicas 3 after unpausing',
      async () => (await get<{ spec: { replicas: number } }>(deploymentPath()))?.spec.replicas === 3,
    );
  });

  it('records a Warning event and a failed Ready condition when applying fails', async () => {
    // A quota of zero ConfigMaps makes the API server refuse the new collector ConfigMap. No quota controller runs
    // here, so the test writes the quota's status as that controller would (admission only enforces a counted quota).
    const quotas = `/api/v1/namespaces/${ns}/resourcequotas`;
    await admin.request('POST', quotas, {
      body: {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'no-configmaps' },
        spec: { hard: { configmaps: '0' } },
      },
    });
    await admin.request('PATCH', `${quotas}/no-configmaps/status`, {
      contentType: 'application/merge-patch+json',
      body: { status: { hard: { configmaps: '0' }, used: { configmaps: '0' } } },
    });
    await patchMonitor({ collector: { limits: { maxAttributes: 64 } } });
    const m = await waitFor('Ready=False/ReconcileFailed', async () => {
      const mon = await getMonitor(ns, NAME);
      return condition(mon, 'Ready')?.reason === 'ReconcileFailed' && mon;
    });
    expect(condition(m, 'Ready')?.message).toContain('exceeded quota: no-configmaps');
    const describe = await kubectlOk(['describe', 'hmon', NAME, '-n', ns]);
    expect(describe).toMatch(/Warning\s+ApplyFailed/);
    await admin.delete(`${quotas}/no-configmaps`);
    await waitFor(
      'recovery after the quota is gone',
      async () =>
        (await getMonitor(ns, NAME))?.status?.observedGeneration === m.metadata.generation &&
        condition(await getMonitor(ns, NAME), 'Ready')?.reason !== 'ReconcileFailed',
      60_000,
    );
  });

  it('takes its children with it when deleted (garbage collector; the finalizer for the CronJobs)', async () => {
    const monitor = (await getMonitor(ns, NAME))!;
    await admin.delete(monitorPath());
    await waitFor(
      'children to be garbage-collected',
      async () =>
        (await get(deploymentPath())) === undefined &&
        (await get(cronJobPath('anomaly'))) === undefined &&
        (await configMaps()).length === 0,
      90_000,
      500,
    );
    expect(await getMonitor(ns, NAME)).toBeUndefined();
    expect(monitor.metadata.uid).toBeTruthy();
  });
});
