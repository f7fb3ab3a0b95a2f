/** The CRD in a real API server: it installs, the examples apply, defaults are filled, invalid specs are refused. */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRINTER_COLUMNS } from '@hydra/schema';
import {
  createNamespace,
  deleteNamespace,
  getMonitor,
  kubectl,
  kubectlOk,
  monitorManifest,
  repoRoot,
} from './harness.ts';

const namespaces: string[] = [];
afterAll(async () => {
  for (const ns of namespaces) await deleteNamespace(ns);
});

async function applyRefused(manifest: object): Promise<string> {
  const r = await kubectl(['apply', '-f', '-'], JSON.stringify(manifest));
  expect(r.code, `expected the API server to refuse: ${r.stdout}`).not.toBe(0);
  return r.stderr;
}

describe('the HydraMonitor CRD', () => {
  it('is established with its names, printer columns and subresources', async () => {
    await kubectlOk(['apply', '--server-side', '-f', path.join(repoRoot, 'k8s/crds/')]);
    await kubectlOk(['wait', '--for=condition=Established', 'crd/hydramonitors.hydra.io', '--timeout=30s']);
    const crd = JSON.parse(await kubectlOk(['get', 'crd', 'hydramonitors.hydra.io', '-o', 'json']));
    expect(crd.spec.names.shortNames).toEqual(['hmon']);
    const version = crd.spec.versions[0];
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual(
      PRINTER_COLUMNS.map((c) => c.name),
    );
    expect(version.subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: '.spec.collector.replicas',
        statusReplicasPath: '.status.collector.replicas',
        labelSelectorPath: '.status.collector.selector',
      },
    });
    const resources = await kubectlOk(['api-resources', '--api-group=hydra.io', '-o', 'wide']);
    expect(resources).toMatch(/hydramonitors\s+hmon\s+hydra\.io\/v1alpha1\s+true\s+HydraMonitor/);
  });

  it('accepts the examples and fills the defaults', async () => {
    await kubectlOk(['apply', '-f', path.join(repoRoot, 'k8s/examples/namespaces.yaml')]);
    namespaces.push('shop', 'platform');
    const out = await kubectlOk(['apply', '-f', path.join(repoRoot, 'k8s/examples/')]);
    expect(out).toMatch(/hydramonitor\.hydra\.io\/checkout-latency (created|configured|unchanged)/);
    expect(out).toMatch(/hydramonitor\.hydra\.io\/disk-usage (created|configured|unchanged)/);
    const m = await getMonitor('shop', 'checkout-latency');
    expect(m?.spec).toMatchObject({
      paused: false,
      forecast: { enabled: false, model: 'auto', horizon: '24h' },
      collector: {
        replicas: 2,
        ports: { grpc: 4317, http: 4318, metrics: 9464 },
        limits: { maxSeriesPerMetric: 50_000 },
      },
      storage: { retentionDays: 14, databaseSecretRef: { name: 'hydra-database', key: 'url' } },
    });
    const table = await kubectlOk(['get', 'hmon', '-A']);
    expect(table.split('\n')[0]).toMatch(
      /NAMESPACE\s+NAME\s+READY\s+METRIC\s+COLLECTOR\s+REPLICAS\s+ALERTS\s+LAST ANALYSIS\s+AGE/,
    );
    const example = parse(readFileSync(path.join(repoRoot, 'k8s/examples/disk-usage-forecast.yaml'), 'utf8'));
    expect((await getMonitor('platform', 'disk-usage'))?.spec).toMatchObject(example.spec);
    // no spec.collector filled in: the monitor uses the shared collector
    expect((await getMonitor('platform', 'disk-usage'))?.spec).not.toHaveProperty('collector');
    const collector = JSON.parse(
      await kubectlOk(['get', 'hydracollector', 'hydra-collector', '-n', 'hydra-system', '-o', 'json']),
    );
    expect(collector.spec).toMatchObject({
      replicas: 2,
      ports: { grpc: 4317, http: 4318, metrics: 9464 },
      autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 8 },
      podDisruptionBudget: { maxUnavailable: 1 },
    });
    await kubectlOk(['delete', 'hydracollector', 'hydra-collector', '-n', 'hydra-system']);
  });

  it('refuses invalid specs with a message that names the field', async () => {
    const ns = await createNamespace('crd');
    namespaces.push(ns);
    const base = { selector: { metric: 'm' } };
    expect(await applyRefused(monitorManifest(ns, 'bad-replicas', { ...base, collector: { replicas: -1 } }))).toContain(
      'spec.collector.replicas',
    );
    const detector = await applyRefused(
      monitorManifest(ns, 'bad-detector', { ...base, anomaly: { detector: 'prophet' } }),
    );
    expect(detector).toContain('spec.anomaly.detector');
    expect(detector).toContain('"ensemble"');
    expect(
      await applyRefused(monitorManifest(ns, 'bad-schedule', { ...base, anomaly: { schedule: 'hourly' } })),
    ).toContain('spec.anomaly.schedule');
    expect(await applyRefused(monitorManifest(ns, 'no-metric', { selector: {} }))).toContain(
      'spec.selector.metric: Required value',
    );
  });

  it('enforces the cross-field rules with CEL at admission', async () => {
    const ns = namespaces[namespaces.length - 1]!;
    const ports = await applyRefused(
      monitorManifest(ns, 'same-ports', { selector: { metric: 'm' }, collector: { ports: { grpc: 4318 } } }),
    );
    expect(ports).toContain('spec.collector.ports');
    expect(ports).toContain('collector ports grpc, http and metrics must be three different ports');
    const nothing = await applyRefused(
      monitorManifest(ns, 'analyses-nothing', { selector: { metric: 'm' }, anomaly: { enabled: false } }),
    );
    expect(nothing).toContain('spec.anomaly.enabled');
    const longName = await applyRefused(monitorManifest(ns, 'n'.repeat(41), { selector: { metric: 'm' } }));
    expect(longName).toContain('metadata.name');
    expect(longName).toContain('at most 40 characters');
    const thresholds = await applyRefused(
      monitorManifest(ns, 'dup-thresholds', {
        selector: { metric: 'm' },
        forecast: { enabled: true, thresholds: [{ value: 1 }, { value: 1 }] },
      }),
    );
    expect(thresholds).toContain('spec.forecast.thresholds');
    const both = await applyRefused(
      monitorManifest(ns, 'both-collectors', { selector: { metric: 'm' }, collectorRef: { name: 'c' }, collector: {} }),
    );
    expect(both).toContain('collectorRef and collector exclude each other');
    const collector = await applyRefused({
      apiVersion: 'hydra.io/v1alpha1',
      kind: 'HydraCollector',
      metadata: { name: 'bad', namespace: ns },
      spec: { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } },
    });
    expect(collector).toContain('autoscaling.minReplicas must not exceed maxReplicas');
  });
});
