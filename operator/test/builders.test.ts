import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseMonitor, validateCollectorSpec, type HydraCollector, type HydraMonitor } from '@hydra/schema';
import {
  ANNOTATION_CONFIG_HASH,
  desiredChildren,
  desiredCollectorChildren,
  jobName,
  type DesiredOptions,
} from '@hydra/operator';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const GOLDEN_DIR = path.join(here, 'golden');
/** `UPDATE_GOLDEN=1 npx vitest run operator/test/builders.test.ts` rewrites the golden files. */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const OPTIONS: DesiredOptions = {
  defaultImage: 'ghcr.io/hydra-dev/hydra:0.1.0',
  serviceMonitors: true,
  jobs: { namespace: 'hydra', serviceAccount: 'hydra-jobs', databaseSecret: { name: 'hydra-database', key: 'url' } },
};

function example(file: string): HydraMonitor {
  const monitor = parseMonitor(parse(readFileSync(path.join(repoRoot, 'k8s/examples', file), 'utf8')));
  return { ...monitor, metadata: { ...monitor.metadata, uid: '0e3b9a4c-1111-4c2d-9e7a-000000000001', generation: 1 } };
}

function expectGolden(name: string, value: unknown): void {
  const file = path.join(GOLDEN_DIR, `${name}.yaml`);
  const text = stringify(value, { lineWidth: 0, singleQuote: true, aliasDuplicateObjects: false });
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`golden file ${file} is missing: run with UPDATE_GOLDEN=1`);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}

describe('builders (golden files)', () => {
  for (const [file, prefix] of [
    ['checkout-latency.yaml', 'checkout-latency'],
    ['disk-usage-forecast.yaml', 'disk-usage'],
  ] as const) {
    it(`builds the children of ${file}`, () => {
      for (const child of desiredChildren(example(file), OPTIONS)) {
        expectGolden(`${prefix}.${child.resource.kind.toLowerCase()}.${child.name}`, child.object);
      }
    });
  }
});

function exampleCollector(file: string): HydraCollector {
  const obj = parse(readFileSync(path.join(repoRoot, 'k8s/examples', file), 'utf8')) as HydraCollector;
  const checked = validateCollectorSpec(obj.spec ?? {});
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return { ...obj, spec: checked.value, metadata: { ...obj.metadata, uid: '0e3b9a4c-2222-4c2d-9e7a-000000000002' } };
}

describe('HydraCollector builders (golden files)', () => {
  it('builds the children of hydra-collector.yaml: ConfigMap, Service, Deployment, HPA, PDB, ServiceMonitor', () => {
    const children = desiredCollectorChildren(exampleCollector('hydra-collector.yaml'), OPTIONS);
    expect(children.map((c) => c.resource.kind)).toEqual([
      'ConfigMap',
      'Service',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'ServiceMonitor',
    ]);
    for (const child of children)
      expectGolden(`hydra-collector.${child.resource.kind.toLowerCase()}.${child.name}`, child.object);
  });

  it('leave replicas to the HPA when autoscaling is on, and set them when it is off', () => {
    const on = exampleCollector('hydra-collector.yaml');
    const off = { ...on, spec: { ...on.spec, autoscaling: { ...on.spec.autoscaling, enabled: false } } };
    const replicasOf = (c: HydraCollector) =>
      (
        desiredCollectorChildren(c, OPTIONS).find((d) => d.resource.kind === 'Deployment')!.object.spec as {
          replicas?: number;
        }
      ).replicas;
    expect(replicasOf(on)).toBeUndefined();
    expect(replicasOf(off)).toBe(on.spec.replicas);
    expect(desiredCollectorChildren(off, OPTIONS).map((c) => c.resource.kind)).not.toContain('HorizontalPodAutoscaler');
  });
});

describe("analysis CronJobs in hydra's namespace", () => {
  const shared = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
    ({
      ...parseMonitor({
        apiVersion: 'hydra.io/v1alpha1',
        kind: 'HydraMonitor',
        metadata: { name, namespace },
        spec: { selector: { metric: 'm' }, ...extra },
      }),
      metadata: { name, namespace, uid: 'u-1', generation: 1 },
    }) as HydraMonitor;

  it('are the only children of a monitor on a shared collector: no owner reference, labelled with the monitor', () => {
    const children = desiredChildren(shared('team-a', 'web'), OPTIONS);
    expect(children.map((c) => `${c.namespace}/${c.resource.kind}`)).toEqual(['hydra/CronJob']);
    const job = children[0]!.object;
    expect(job.metadata.ownerReferences).toBeUndefined();
    expect(job.metadata.labels).toMatchObject({
      'hydra.io/monitor': 'web',
      'hydra.io/monitor-namespace': 'team-a',
    });
    const pod = (job.spec as { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } }).jobTemplate
      .spec.template.spec;
    expect(pod.serviceAccountName).toBe('hydra-jobs');
    const container = (pod.containers as { image: string; env: { name: string; valueFrom?: unknown }[] }[])[0]!;
    expect(container.env.find((e) => e.name === 'DATABASE_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'hydra-database', key: 'url' },
    });
    expect(container.image).toBe(OPTIONS.defaultImage);
  });

  it('never take an image or a webhook Secret a tenant chose', () => {
    const m = shared('team-a', 'web', {
      collector: { image: 'evil:latest' },
      alerting: { webhooks: [{ url: 'https://hooks.example.com', secretRef: { name: 'hydra-database', key: 'url' } }] },
    });
    const job = desiredChildren(m, OPTIONS).find((c) => c.resource.kind === 'CronJob')!.object;
    const container = (
      job.spec as {
        jobTemplate: { spec: { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } } };
      }
    ).jobTemplate.spec.template.spec.containers[0]!;
    expect(container.image).toBe(OPTIONS.defaultImage);
    expect(container.env.map((e) => e.name)).toEqual(['DATABASE_URL', 'HYDRA_MONITOR_SPEC']);
  });

  it('have names unique per namespace/name that fit a CronJob (52 characters)', () => {
    const a = jobName(shared('a-b', 'c'), 'forecast');
    const b = jobName(shared('a', 'b-c'), 'forecast');
    expect(a).not.toBe(b);
    const long = jobName(shared('n'.repeat(63), 'm'.repeat(40)), 'forecast');
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('desired children', () => {
  it('leave out disabled jobs and the ServiceMonitor when its CRD is absent', () => {
    const kinds = desiredChildren(example('checkout-latency.yaml'), { ...OPTIONS, serviceMonitors: false }).map(
      (c) => `${c.resource.kind}/${c.name}`,
    );
    expect(kinds).toEqual([
      expect.stringMatching(/^ConfigMap\/checkout-latency-collector-[0-9a-f]{10}$/),
      'Service/checkout-latency-collector',
      'Deployment/checkout-latency-collector',
      expect.stringMatching(/^CronJob\/shop-checkout-latency-[0-9a-f]{6}-anomaly$/),
    ]);
  });

  it('change the config hash (pod template and ConfigMap name) on a collector config change, and only then', () => {
    const base = example('checkout-latency.yaml');
    const hashOf = (m: HydraMonitor) => {
      const deployment = desiredChildren(m, OPTIONS).find((c) => c.resource.kind === 'Deployment')!;
      const template = (deployment.object.spec as { template: { metadata: { annotations: Record<string, string> } } })
        .template;
      return template.metadata.annotations[ANNOTATION_CONFIG_HASH];
    };
    const limits = { ...base.spec.collector!.limits, maxSeriesPerMetric: 1000 };
    const changed = { ...base, spec: { ...base.spec, collector: { ...base.spec.collector!, limits } } };
    const unrelated = { ...base, spec: { ...base.spec, anomaly: { ...base.spec.anomaly, sensitivity: 0.9 } } };
    expect(hashOf(changed)).not.toBe(hashOf(base));
    expect(hashOf(unrelated)).toBe(hashOf(base));
  });

  it('give the jobs the external URL their alerts link to, when the operator has one (--external-url)', () => {
    const envOf = (options: DesiredOptions) =>
      desiredChildren(example('disk-usage-forecast.yaml'), options)
        .filter((c) => c.resource.kind === 'CronJob')
        .map(
          (c) =>
            (
              c.object.spec as {
                jobTemplate: {
                  spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
                };
              }
            ).jobTemplate.spec.template.spec.containers[0]!.env,
        );
    const withUrl = envOf({ ...OPTIONS, externalUrl: 'https://hydra.example.com' });
    expect(withUrl.length).toBeGreaterThan(0);
    for (const env of withUrl)
      expect(env).toContainEqual({ name: 'HYDRA_EXTERNAL_URL', value: 'https://hydra.example.com' });
    for (const env of envOf(OPTIONS)) expect(env.map((e) => e.name)).not.toContain('HYDRA_EXTERNAL_URL');
  });

  it('are deterministic: the same monitor gives the same hashes', () => {
    const a = desiredChildren(example('disk-usage-forecast.yaml'), OPTIONS).map((c) => c.hash);
    const b = desiredChildren(example('disk-usage-forecast.yaml'), OPTIONS).map((c) => c.hash);
    expect(a).toEqual(b);
  });
});
