import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTOR as ANALYTICS_DEFAULT_DETECTOR, DETECTORS, FORECASTERS } from '@hydra/analytics';
import { parse } from 'yaml';
import {
  CRD_FILE,
  DEFAULT_DETECTOR,
  DETECTOR_NAMES,
  FORECAST_MODEL_NAMES,
  MonitorValidationError,
  buildCrd,
  parseMonitor,
  renderCrdYaml,
  validateMonitor,
  validateMonitorSpec,
  validateCollectorSpec,
  COLLECTOR_CRD_FILE,
  buildCollectorCrd,
  renderCollectorCrdYaml,
} from '@hydra/schema';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const monitor = (spec: Record<string, unknown>, name = 'checkout-latency') => ({
  apiVersion: 'hydra.io/v1alpha1',
  kind: 'HydraMonitor',
  metadata: { name, namespace: 'shop' },
  spec,
});

const errorsOf = (spec: Record<string, unknown>) => {
  const r = validateMonitorSpec(spec);
  return r.ok ? [] : r.errors;
};

describe('HydraMonitor spec validation', () => {
  it('fills every default from a minimal spec', () => {
    const r = validateMonitorSpec({ selector: { metric: 'http.server.duration' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.anomaly).toMatchObject({
      enabled: true,
      detector: 'ensemble',
      schedule: '*/5 * * * *',
      lookback: '7d',
    });
    expect(r.value.forecast).toMatchObject({
      enabled: false,
      model: 'auto',
      horizon: '24h',
      level: 0.95,
      thresholds: [],
    });
    expect(r.value.collector).toBeUndefined();
    expect(r.value.collectorRef).toBeUndefined();
    expect(r.value.storage.databaseSecretRef).toEqual({ name: 'hydra-database', key: 'url' });
    expect(r.value.selector.matchers).toEqual([]);
    expect(r.value.paused).toBe(false);
  });

  it("reads anomaly.direction 'up'/'down' (the old spelling, still in stored objects) as above/below with a warning", () => {
    for (const [old, current] of [
      ['up', 'above'],
      ['down', 'below'],
    ] as const) {
      const r = validateMonitor(monitor({ selector: { metric: 'm' }, anomaly: { direction: old } }));
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.spec.anomaly.direction).toBe(current);
      expect(r.warnings).toEqual([
        { path: 'spec.anomaly.direction', message: `'${old}' is deprecated, write '${current}'` },
      ]);
    }
    const current = validateMonitorSpec({ selector: { metric: 'm' }, anomaly: { direction: 'below' } });
    expect(current.ok && current.warnings).toEqual([]);
    expect(errorsOf({ selector: { metric: 'm' }, anomaly: { direction: 'sideways' } })).toEqual([
      { path: 'spec.anomaly.direction', message: 'must be one of "both", "above", "below", "up", "down"' },
    ]);
  });

  it('does not modify its input', () => {
    const input = { selector: { metric: 'm' } };
    validateMonitorSpec(input);
    expect(input).toEqual({ selector: { metric: 'm' } });
  });

  it('names the field path and the reason of each error', () => {
    const errors = errorsOf({
      selector: { metric: 'm', matchers: [{ name: 'pod', op: '~', value: 'x' }] },
      collector: { replicas: -1 },
      anomaly: { detector: 'prophet', schedule: 'every minute' },
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'spec.selector.matchers[0].op', message: 'must be one of "=", "!=", "=~", "!~"' },
        { path: 'spec.collector.replicas', message: 'must be >= 0' },
        expect.objectContaining({ path: 'spec.anomaly.detector', message: expect.stringContaining('"ensemble"') }),
        expect.objectContaining({ path: 'spec.anomaly.schedule', message: expect.stringContaining('does not match') }),
      ]),
    );
  });

  it('reports a missing required field and an unknown field by path', () => {
    expect(errorsOf({ selector: {}, anomally: {} })).toEqual(
      expect.arrayContaining([
        { path: 'spec.selector.metric', message: 'is required' },
        { path: 'spec.anomally', message: 'is not a known field' },
      ]),
    );
  });

  it('enforces the cross-field rules the CRD enforces with CEL', () => {
    expect(errorsOf({ selector: { metric: 'm' }, anomaly: { enabled: false } })).toEqual([
      {
        path: 'spec.anomaly.enabled',
        message: expect.stringContaining('at least one of anomaly.enabled and forecast.enabled'),
      },
    ]);
    expect(errorsOf({ selector: { metric: 'm' }, collector: { ports: { grpc: 4318 } } })).toEqual([
      { path: 'spec.collector.ports', message: 'collector ports grpc, http and metrics must be three different ports' },
    ]);
    expect(
      errorsOf({
        selector: { metric: 'm' },
        forecast: { enabled: true, thresholds: [{ value: 90 }, { value: 90, direction: 'above' }] },
      }),
    ).toEqual([
      { path: 'spec.forecast.thresholds', message: 'each forecast threshold (value, direction) may appear only once' },
    ]);
    expect(
      errorsOf({ selector: { metric: 'm' }, alerting: { webhooks: [{ url: 'https://a' }, { url: 'https://a' }] } }),
    ).toHaveLength(1);
    expect(errorsOf({ selector: { metric: 'm' }, collectorRef: { name: 'fleet' }, collector: {} })).toEqual([
      { path: 'spec.collectorRef', message: expect.stringContaining('collectorRef and collector exclude each other') },
    ]);
  });

  it('validates whole objects, including the name length the children need', () => {
    expect(validateMonitor(monitor({ selector: { metric: 'm' } })).ok).toBe(true);
    const r = validateMonitor(monitor({ selector: { metric: 'm' } }, 'a'.repeat(41)));
    expect(r.ok ? [] : r.errors).toEqual([
      { path: 'metadata.name', message: expect.stringContaining('at most 40 characters') },
    ]);
    expect(() => parseMonitor({ ...monitor({ selector: { metric: 'm' } }), kind: 'Other' })).toThrow(
      MonitorValidationError,
    );
    expect(() => parseMonitor({ ...monitor({ selector: { metric: 'm' } }), kind: 'Other' })).toThrow(
      'kind: must be HydraMonitor',
    );
  });
});

describe('the schema and @hydra/analytics agree', () => {
  it('lists exactly the detectors and forecasters analytics has, with the same default detector', () => {
    expect([...DETECTOR_NAMES].sort()).toEqual(Object.keys(DETECTORS).sort());
    expect(DEFAULT_DETECTOR).toBe(ANALYTICS_DEFAULT_DETECTOR);
    expect(FORECAST_MODEL_NAMES.filter((m) => m !== 'auto').sort()).toEqual(Object.keys(FORECASTERS).sort());
  });
});

describe('the CRD', () => {
  it('is checked in exactly as the schema generates it (run `npm run gen:crd` after a schema change)', () => {
    expect(readFileSync(path.join(repoRoot, CRD_FILE), 'utf8')).toBe(renderCrdYaml());
  });

  it('is structural: every property has a type, defaulted fields are optional, no additionalProperties: false', () => {
    const walk = (node: Record<string, unknown>, at: string): void => {
      if (at !== 'metadata') expect(node.type, `${at} has a type`).toBeTypeOf('string');
      expect(node.additionalProperties, `${at}`).not.toBe(false);
      for (const name of (node.required as string[] | undefined) ?? []) {
        const props = node.properties as Record<string, Record<string, unknown>>;
        expect(props[name]?.default, `${at}.${name} is required and defaulted`).toBeUndefined();
      }
      for (const [k, v] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {}))
        walk(v, `${at}.${k}`);
      if (node.items) walk(node.items as Record<string, unknown>, `${at}[]`);
    };
    const crd = parse(readFileSync(path.join(repoRoot, CRD_FILE), 'utf8'));
    const version = crd.spec.versions[0];
    walk(version.schema.openAPIV3Schema, '');
    expect(version.subresources.scale.specReplicasPath).toBe('.spec.collector.replicas');
    expect(buildCrd()).toEqual(crd);
  });
});

describe('HydraCollector', () => {
  it('fills the defaults of a shared collector: 2 replicas, no HPA, a PDB allowing one pod down', () => {
    const r = validateCollectorSpec({});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.replicas).toBe(2);
    expect(r.value.ports).toEqual({ grpc: 4317, http: 4318, metrics: 9464 });
    expect(r.value.autoscaling).toMatchObject({ enabled: false, minReplicas: 2, maxReplicas: 10 });
    expect(r.value.autoscaling.queueRowsPerPod).toBeUndefined();
    expect(r.value.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(r.value.storage.databaseSecretRef).toEqual({ name: 'hydra-database', key: 'url' });
  });

  it('refuses minReplicas above maxReplicas and equal ports, as the CRD does', () => {
    const r = validateCollectorSpec({ autoscaling: { minReplicas: 5, maxReplicas: 2 }, ports: { grpc: 4318 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path).sort()).toEqual(['spec.autoscaling.minReplicas', 'spec.ports']);
  });

  it('is the checked-in CRD (npm run gen:crd), with a scale subresource on spec.replicas', () => {
    const text = readFileSync(path.join(repoRoot, COLLECTOR_CRD_FILE), 'utf8');
    expect(text, 'k8s/crds/ is stale: npm run gen:crd').toBe(renderCollectorCrdYaml());
    const crd = parse(text);
    expect(crd.spec.versions[0].subresources.scale.specReplicasPath).toBe('.spec.replicas');
    expect(buildCollectorCrd()).toEqual(crd);
  });
});
