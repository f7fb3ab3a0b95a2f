/** `hydra operator` as a user runs it: against KUBECONFIG, JSON logs, probes, and a clean exit on SIGTERM. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KUBECONFIG_FILE,
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  getMonitor,
  monitorManifest,
  repoRoot,
  waitFor,
} from './harness.ts';

const namespaces: string[] = [];
afterAll(async () => {
  for (const ns of namespaces) await deleteNamespace(ns);
});

describe('hydra operator', () => {
  it('reconciles monitors of the namespaces it is given and exits 0 on SIGTERM', async () => {
    const ns = await createNamespace('cmd');
    const hydraNs = await createNamespace('cmd-hydra');
    namespaces.push(ns, hydraNs);
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'cli/bin/hydra.js'),
        'operator',
        '--namespaces',
        ns,
        '--namespace',
        hydraNs,
        '--leader-elect',
        'false',
        '--http-address',
        '127.0.0.1:0',
      ],
      { env: { ...process.env, KUBECONFIG: KUBECONFIG_FILE }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const started = await waitFor(
        'the "operator started" log line',
        async () => {
          const line = stderr.split('\n').find((l) => l.includes('"operator started"'));
          return line ? (JSON.parse(line) as { url: string; namespaces: string[] }) : undefined;
        },
        30_000,
      );
      // hydra's namespace is always watched: the jobs of every monitor run there
      expect(started.namespaces).toEqual([ns, hydraNs]);
      await waitFor('/readyz', async () => (await fetch(`${started.url}/readyz`)).status === 200);

      await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
        body: monitorManifest(ns, 'cmd', { selector: { metric: 'm' } }),
      });
      await waitFor(
        'the monitor reconciled by the command',
        async () => condition(await getMonitor(ns, 'cmd'), 'JobsScheduled')?.status === 'True',
      );
      const jobs = await admin.request<{ items: { metadata: { labels: Record<string, string> } }[] }>(
        'GET',
        `/apis/batch/v1/namespaces/${hydraNs}/cronjobs`,
      );
      expect(jobs.items.map((j) => j.metadata.labels['hydra.io/monitor-namespace'])).toEqual([ns]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const last = stderr.trim().split('\n').pop()!;
    expect(JSON.parse(last)).toMatchObject({ level: 'info', msg: 'operator stopped', reason: 'signal SIGTERM' });
  });
});
