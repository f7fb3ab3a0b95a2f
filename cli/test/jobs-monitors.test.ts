/**
 * hydra.yaml: the repository's default monitors load and validate; a bad
 * file is refused with the document, the monitor and the field path; webhook
 * secrets come from HYDRA_SECRET_<NAME>_<KEY>.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  envSecrets,
  findMonitor,
  loadMonitors,
  MonitorFileError,
  parseMonitors,
  secretEnvName,
  targetsOf,
} from '../src/monitors.ts';

const HYDRA_YAML = fileURLToPath(new URL('../../hydra.yaml', import.meta.url));

describe('monitors file', () => {
  it('loads the default monitors over the demo workload', async () => {
    const monitors = await loadMonitors(HYDRA_YAML);
    expect(monitors.map((m) => m.key)).toEqual([
      'default/demo-cpu',
      'default/demo-memory',
      'default/demo-errors',
      'default/demo-latency',
      'default/demo-disk',
    ]);
    const cpu = findMonitor(monitors, 'demo-cpu');
    expect(cpu.spec.anomaly).toMatchObject({ enabled: true, detector: 'ensemble', schedule: '* * * * *' });
    expect(findMonitor(monitors, 'default/demo-errors').spec.alerting.severity).toBe('critical');
    expect(() => findMonitor(monitors, 'nope')).toThrow(/no monitor 'nope' \(known: default\/demo-cpu, /);
  });

  it('refuses an invalid monitor naming the file, document, monitor and field path', () => {
    const text = [
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: ok}\nspec: {selector: {metric: m}}',
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: bad}\nspec:\n  selector: {metric: m}\n  anomaly: {detector: prophet, sensitivty: 2}',
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: ok}\nspec: {selector: {metric: m}}',
      '',
    ].join('\n---\n');
    let error: unknown;
    try {
      parseMonitors(text, 'hydra.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MonitorFileError);
    const message = (error as Error).message;
    expect(message).toMatch(/hydra.yaml: document 2 \(bad\): spec.anomaly.detector: must be one of "zscore"/);
    expect(message).toMatch(/hydra.yaml: document 2 \(bad\): spec.anomaly.sensitivty: is not a known field/);
    expect(message).toMatch(/hydra.yaml: document 3 \(ok\): monitor default\/ok is already defined in document 1/);
  });

  it('reports YAML syntax errors and a missing file', async () => {
    expect(() => parseMonitors('a: [1, 2', 'x.yaml')).toThrow(/x.yaml: document 1: /);
    await expect(loadMonitors('/nonexistent/hydra.yaml')).rejects.toThrow(/cannot read the monitors file/);
    expect(await loadMonitors('/nonexistent/hydra.yaml', { optional: true })).toEqual([]);
  });

  it('routes notifications per monitor and reads webhook secrets from the environment', () => {
    const monitors = parseMonitors(
      'apiVersion: hydra.io/v1alpha1\nkind: HydraMonitor\nmetadata: {name: n, namespace: shop}\n' +
        'spec:\n  selector: {metric: m}\n  alerting:\n    webhooks: [{url: "http://h/x", secretRef: {name: my-hooks, key: token}}]',
      'f',
    );
    expect(targetsOf(monitors)('shop/n')).toEqual([
      { kind: 'webhook', url: 'http://h/x', secretRef: 'my-hooks/token' },
    ]);
    expect(targetsOf(monitors)('other/n')).toEqual([]);
    expect(secretEnvName('my-hooks/token')).toBe('HYDRA_SECRET_MY_HOOKS_TOKEN');
    const secrets = envSecrets({ HYDRA_SECRET_MY_HOOKS_TOKEN: 's3cret' });
    expect(secrets('my-hooks/token')).toBe('s3cret');
    expect(secrets('other/key')).toBeUndefined();
  });
});
