/**
 * `hydra job` in a Kubernetes job pod: the operator's CronJobs run `hydra job <kind> --monitor ns/name` with the
 * defaulted spec in HYDRA_MONITOR_SPEC and no monitors file in the image. The job used to read only the monitors
 * file, so every operator-scheduled pass failed on a missing hydra.yaml.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { desiredChildren } from '@hydra/operator';
import { parseMonitor } from '@hydra/schema';
import {
  envSecrets,
  findMonitor,
  jobMonitors,
  notifierSecretRefs,
  MONITOR_SPEC_ENV,
  MonitorFileError,
  monitorFromSpecJson,
} from '../src/monitors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NO_FILE = path.join(repoRoot, 'no-such-dir', 'hydra.yaml');

interface JobContainer {
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
}

/** The args and environment of the operator's CronJobs for the example monitor. */
function operatorJobs(example = 'checkout-latency.yaml'): { monitorSpec: unknown; containers: JobContainer[] } {
  const file = path.join(repoRoot, 'k8s/examples', example);
  const parsed = parseMonitor(parse(readFileSync(file, 'utf8')));
  // as the API server gives it to the operator
  const monitor = { ...parsed, metadata: { ...parsed.metadata, uid: '0e3b9a4c-1111-4c2d-9e7a-000000000001' } };
  const cronJobs = desiredChildren(monitor, {
    defaultImage: 'hydra:test',
    serviceMonitors: false,
    // as if the monitor were in hydra's namespace: only there do the jobs read webhook Secrets
    jobs: { namespace: monitor.metadata.namespace, databaseSecret: { name: 'hydra-database', key: 'url' } },
  }).filter((c) => c.object.kind === 'CronJob');
  const containers = cronJobs.map((c) => {
    const spec = c.object as unknown as {
      spec: { jobTemplate: { spec: { template: { spec: { containers: JobContainer[] } } } } };
    };
    return spec.spec.jobTemplate.spec.template.spec.containers[0]!;
  });
  return { monitorSpec: monitor.spec, containers };
}

describe('hydra job monitors in a job pod (HYDRA_MONITOR_SPEC)', () => {
  it('finds the monitor the operator CronJob names, with its spec, without a monitors file', async () => {
    const { monitorSpec, containers } = operatorJobs();
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      const target = c.args[c.args.indexOf('--monitor') + 1]!;
      const env = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
      const monitors = await jobMonitors(target, undefined, NO_FILE, env);
      const monitor = findMonitor(monitors, target);
      expect(monitor.key).toBe(target);
      expect(monitor.spec).toEqual(monitorSpec);
    }
  });

  it('gets every webhook secret the monitor names from its Secret, under the variable the job resolves', async () => {
    const { containers } = operatorJobs('disk-usage-forecast.yaml');
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) {
      const target = c.args[c.args.indexOf('--monitor') + 1]!;
      const env = Object.fromEntries(c.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
      const [monitor] = await jobMonitors(target, undefined, NO_FILE, env);
      const refs = notifierSecretRefs(monitor!);
      expect(refs.length).toBeGreaterThan(0);
      // the kubelet fills each secretKeyRef variable from the Secret: stand in for it
      const podEnv: NodeJS.ProcessEnv = { ...env };
      for (const e of c.env) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) podEnv[e.name] = `value of ${ref.name}/${ref.key}`;
      }
      const resolve = envSecrets(podEnv);
      for (const ref of refs) expect(resolve(ref)).toBe(`value of ${ref}`);
    }
  });

  it('reads the monitors file when --file is given or the variable is unset', async () => {
    await expect(jobMonitors('shop/x', NO_FILE, NO_FILE, { [MONITOR_SPEC_ENV]: '{}' })).rejects.toThrow(
      /cannot read the monitors file/,
    );
    await expect(jobMonitors('shop/x', undefined, NO_FILE, {})).rejects.toThrow(/cannot read the monitors file/);
  });

  it('names the variable and the field when the spec is not valid', () => {
    expect(() => monitorFromSpecJson('shop/x', '{not json')).toThrow(MonitorFileError);
    expect(() => monitorFromSpecJson('shop/x', '{not json')).toThrow(
      /HYDRA_MONITOR_SPEC \(monitor shop\/x\): not valid JSON/,
    );
    expect(() => monitorFromSpecJson('shop/x', JSON.stringify({ selector: {} }))).toThrow(
      /HYDRA_MONITOR_SPEC \(monitor shop\/x\): .*selector/,
    );
  });
});
