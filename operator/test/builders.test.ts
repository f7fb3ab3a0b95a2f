import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseMonitor, type HydraMonitor } from '@hydra/schema';
import { ANNOTATION_CONFIG_HASH, desiredChildren, type DesiredOptions } from '@hydra/operator';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const GOLDEN_DIR = path.join(here, 'golden');
/** `UPDATE_GOLDEN=1 npx vitest run operator/test/builders.test.ts` rewrites the golden files. */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const OPTIONS: DesiredOptions = { defaultImage: 'ghcr.io/hydra-dev/hydra:0.1.0', serviceMonitors: true };

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

describe('desired children', () => {
  it('leave out disabled jobs and the ServiceMonitor when its CRD is absent', () => {
    const kinds = desiredChildren(example('checkout-latency.yaml'), { ...OPTIONS, serviceMonitors: false }).map(
      (c) => `${c.resource.kind}/${c.name}`,
    );
    expect(kinds).toEqual([
      expect.stringMatching(/^ConfigMap\/checkout-latency-collector-[0-9a-f]{10}$/),
      'Service/checkout-latency-collector',
      'Deployment/checkout-latency-collector',
      'CronJob/checkout-latency-anomaly',
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
    const limits = { ...base.spec.collector.limits, maxSeriesPerMetric: 1000 };
    const changed = { ...base, spec: { ...base.spec, collector: { ...base.spec.collector, limits } } };
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
