/** With the Prometheus Operator's ServiceMonitor CRD served, every collector (dedicated or HydraCollector) gets a ServiceMonitor. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  createNamespace,
  deleteNamespace,
  getMonitor,
  kubectl,
  kubectlOk,
  monitorManifest,
  startTestOperator,
  waitFor,
  type TestOperator,
} from './harness.ts';

/** The smallest stand-in for the Prometheus Operator's CRD: same group, version, names; spec kept as sent. */
const SERVICE_MONITOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    names: {
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
      shortNames: ['smon'],
    },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      },
    ],
  },
};

let ns: string;
let operator: TestOperator;

beforeAll(async () => {
  await kubectlOk(['apply', '--server-side', '-f', '-'], JSON.stringify(SERVICE_MONITOR_CRD));
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    'crd/servicemonitors.monitoring.coreos.com',
    '--timeout=30s',
  ]);
  ns = await createNamespace('smon');
  operator = await startTestOperator({ namespaces: [ns] });
});

afterAll(async () => {
  await operator?.stop();
  if (ns) await deleteNamespace(ns);
  await kubectl(['delete', 'crd', 'servicemonitors.monitoring.coreos.com', '--ignore-not-found']);
});

describe('ServiceMonitor', () => {
  it('is created for the collector, owned by the monitor, selecting the collector Service', async () => {
    await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
      body: monitorManifest(ns, 'web', { selector: { metric: 'm' }, collector: {} }),
    });
    const smon = await waitFor('the ServiceMonitor', () =>
      admin.get<{
        metadata: { ownerReferences: { uid: string }[] };
        spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string }[] };
      }>(`/apis/monitoring.coreos.com/v1/namespaces/${ns}/servicemonitors/web-collector`),
    );
    const monitor = await getMonitor(ns, 'web');
    expect(smon.metadata.ownerReferences[0]?.uid).toBe(monitor?.metadata.uid);
    expect(smon.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    const service = await admin.get<{ metadata: { labels: Record<string, string> } }>(
      `/api/v1/namespaces/${ns}/services/web-collector`,
    );
    expect(service?.metadata.labels).toMatchObject(smon.spec.selector.matchLabels);
  });
  it('is created for a HydraCollector, owned by it, selecting its Service', async () => {
    const hydraNs = operator.hydraNamespace;
    await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${hydraNs}/hydracollectors`, {
      body: { apiVersion: 'hydra.io/v1alpha1', kind: 'HydraCollector', metadata: { name: 'fleet' } },
    });
    const smon = await waitFor('the ServiceMonitor of the HydraCollector', () =>
      admin.get<{
        metadata: { ownerReferences: { kind: string }[] };
        spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] } };
      }>(`/apis/monitoring.coreos.com/v1/namespaces/${hydraNs}/servicemonitors/fleet`),
    );
    expect(smon.metadata.ownerReferences[0]?.kind).toBe('HydraCollector');
    expect(smon.spec.namespaceSelector.matchNames).toEqual([hydraNs]);
    const service = await waitFor('the Service', () =>
      admin.get<{ metadata: { labels: Record<string, string> } }>(`/api/v1/namespaces/${hydraNs}/services/fleet`),
    );
    expect(service.metadata.labels).toMatchObject(smon.spec.selector.matchLabels);
  });
});
