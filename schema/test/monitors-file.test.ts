import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MonitorValidationError, parseMonitorsYaml } from '@hydra/schema';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'k8s', 'examples');

describe('parseMonitorsYaml', () => {
  it('reads the same documents kubectl applies, with defaults filled', () => {
    const text = ['checkout-latency.yaml', 'disk-usage-forecast.yaml']
      .map((f) => readFileSync(path.join(examples, f), 'utf8'))
      .join('\n---\n');
    const monitors = parseMonitorsYaml(text);
    expect(monitors.map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      'shop/checkout-latency',
      'platform/disk-usage',
    ]);
    expect(monitors[0]!.spec.forecast.enabled).toBe(false);
    expect(monitors[1]!.spec.forecast.thresholds).toHaveLength(2);
  });

  it('puts monitors without a namespace into the default one and skips empty documents', () => {
    const [m] = parseMonitorsYaml(
      '---\napiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: cpu}\nspec: {selector: {metric: cpu}}\n---\n',
    );
    expect(m!.metadata.namespace).toBe('default');
  });

  it('names the document, the monitor and the field of every error', () => {
    const text = [
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: a}\nspec: {selector: {metric: m}, anomaly: {detector: nope}}',
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: b}\nspec: {selector: {metric: m}}',
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: b}\nspec: {selector: {metric: m}}',
      'spec: [unclosed',
    ].join('\n---\n');
    try {
      parseMonitorsYaml(text, { source: 'hydra.yaml' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MonitorValidationError);
      const errors = (err as MonitorValidationError).errors;
      expect(errors[0]).toEqual({
        path: 'hydra.yaml#1 (a): spec.anomaly.detector',
        message: expect.stringContaining('must be one of'),
      });
      expect(errors).toContainEqual({ path: 'hydra.yaml#3 (b)', message: 'duplicate monitor default/b' });
      expect(errors).toContainEqual({ path: 'hydra.yaml#4', message: expect.stringContaining('invalid YAML') });
    }
  });
});
