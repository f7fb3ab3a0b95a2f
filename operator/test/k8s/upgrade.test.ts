/**
 * The upgrade path: HydraMonitors of v0.2 (fixtures/v1alpha1, frozen) apply unchanged to the current CRD and
 * reconcile: those with `spec.collector` keep their dedicated collector, the others use the shared HydraCollector,
 * and the CronJob the operator of v0.2 left in a monitor's namespace gives way to one in hydra's namespace.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { jobName } from '@hydra/operator';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  getMonitor,
  kubectlOk,
  markDeploymentAvailable,
  startTestOperator,
  waitFor,
  type TestOperator,
} from './harness.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'v1alpha1');
const SHARED = 'hydra-collector';

interface Fixture {
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; ownerReferences?: { uid: string }[] };
  spec: Record<string, unknown>;
}

const monitors: Fixture[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml') && !f.includes('.cronjob.'))
  .flatMap((f) => parseAllDocuments(readFileSync(path.join(FIXTURES, f), 'utf8')).map((d) => d.toJS() as Fixture))
  .filter((o) => o?.kind === 'HydraMonitor');

let ns: string;
let operator: TestOperator;

beforeAll(async () => {
  ns = await createNamespace('upgrade');
  operator = await startTestOperator({ namespaces: [ns] });
  await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${operator.hydraNamespace}/hydracollectors`, {
    body: {
      apiVersion: 'hydra.io/v1alpha1',
      kind: 'HydraCollector',
      metadata: { name: SHARED, namespace: operator.hydraNamespace },
    },
  });
});

afterAll(async () => {
  await operator?.stop();
  if (ns) await deleteNamespace(ns);
});

describe('v1alpha1 monitors of v0.2', () => {
  it('are four fixtures: the examples, the end-to-end monitor, the chart sample', () => {
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([
      'checkout-latency',
      'disk-usage',
      'e2e',
      'hydra-sample',
    ]);
  });

  it('apply unchanged (into one namespace) and reconcile to Ready', async () => {
    for (const m of monitors)
      await kubectlOk(['apply', '-f', '-'], JSON.stringify({ ...m, metadata: { ...m.metadata, namespace: ns } }));
    const dedicated = monitors.filter((m) => m.spec.collector !== undefined).map((m) => m.metadata.name);
    expect(dedicated.sort()).toEqual(['checkout-latency', 'e2e', 'hydra-sample']);
    for (const name of dedicated) {
      await waitFor(`the dedicated collector of ${name}`, () =>
        admin.get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}-collector`),
      );
      await markDeploymentAvailable(ns, `${name}-collector`);
    }
    await waitFor('the shared collector', () =>
      admin.get(`/apis/apps/v1/namespaces/${operator.hydraNamespace}/deployments/${SHARED}`),
    );
    await markDeploymentAvailable(operator.hydraNamespace, SHARED);
    for (const m of monitors) {
      const name = m.metadata.name;
      const status = await waitFor(`${name} Ready`, async () => {
        const got = await getMonitor(ns, name);
        return condition(got, 'Ready')?.status === 'True' && got;
      });
      const collector = (status.status?.collector as { name?: string } | undefined)?.name;
      expect(collector, name).toBe(dedicated.includes(name) ? 'dedicated' : `${operator.hydraNamespace}/${SHARED}`);
      const job = await admin.get(
        `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs/${jobName({ metadata: { namespace: ns, name } } as never, 'anomaly')}`,
      );
      expect(job, `${name}'s CronJob in hydra's namespace`).toBeDefined();
    }
  });

  it("replace the CronJob v0.2's operator created in the monitor's namespace", async () => {
    const monitor = (await getMonitor(ns, 'checkout-latency'))!;
    const doc = parseAllDocuments(
      readFileSync(path.join(FIXTURES, 'checkout-latency.cronjob.before.yaml'), 'utf8'),
    )[0]!.toJS() as Fixture & { metadata: { annotations?: Record<string, string> } };
    const before = {
      ...doc,
      metadata: {
        ...doc.metadata,
        namespace: ns,
        ownerReferences: doc.metadata.ownerReferences!.map((r) => ({ ...r, uid: monitor.metadata.uid })),
      },
    };
    await admin.request('POST', `/apis/batch/v1/namespaces/${ns}/cronjobs`, { body: before });
    // the operator learns of it through its watch and prunes it (owned by the monitor, not wanted any more)
    await waitFor(
      "the v0.2 CronJob gone from the monitor's namespace",
      async () => (await admin.get(`/apis/batch/v1/namespaces/${ns}/cronjobs/checkout-latency-anomaly`)) === undefined,
    );
  });
});
