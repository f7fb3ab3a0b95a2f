/** Watches survive an API server restart; two operator replicas elect one leader and hand over on shutdown. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jobName, type Operator } from '@hydra/operator';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  getMonitor,
  monitorManifest,
  repoRoot,
  startTestOperator,
  waitFor,
  OPERATOR_NAMESPACE,
} from './harness.ts';

const run = promisify(execFile);
const namespaces: string[] = [];
const operators: Operator[] = [];

afterAll(async () => {
  await Promise.all(operators.map((o) => o.stop()));
  for (const ns of namespaces) await deleteNamespace(ns);
});

async function createMonitor(
  ns: string,
  name: string,
  spec: Record<string, unknown> = { selector: { metric: 'm' } },
): Promise<void> {
  await admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
    body: monitorManifest(ns, name, spec),
  });
}

const reconciled = (ns: string, name: string, generation = 1, timeoutMs = 30_000) =>
  waitFor(
    `${ns}/${name} reconciled at generation ${generation}`,
    async () => {
      const m = await getMonitor(ns, name);
      return m?.status?.observedGeneration === generation && condition(m, 'JobsScheduled')?.status === 'True' && m;
    },
    timeoutMs,
  );

describe('resilience', () => {
  it('keeps watching through an API server restart', async () => {
    const ns = await createNamespace('restart');
    namespaces.push(ns);
    const operator = await startTestOperator({ namespaces: [ns] });
    operators.push(operator);
    await createMonitor(ns, 'before');
    await reconciled(ns, 'before');

    await run(path.join(repoRoot, 'scripts/testenv.sh'), ['restart-apiserver'], { env: process.env, timeout: 120_000 });

    // Events after the restart reach the operator through re-established watches.
    await waitFor(
      'the API server after its restart',
      async () => (await admin.get('/api/v1/namespaces/default')) !== undefined,
    );
    await createMonitor(ns, 'after');
    await reconciled(ns, 'after', 1, 60_000);
    await admin.request('PATCH', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors/before`, {
      contentType: 'application/merge-patch+json',
      body: { spec: { anomaly: { schedule: '*/10 * * * *' } } },
    });
    await reconciled(ns, 'before', 2);
    const job = await admin.get<{ spec: { schedule: string } }>(
      `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs/${jobName({ metadata: { namespace: ns, name: 'before' } } as never, 'anomaly')}`,
    );
    expect(job?.spec.schedule).toBe('*/10 * * * *');

    // The restart shows in the operator's own metrics; its probes answer.
    const metrics = await (await fetch(`${operator.url}/metrics`)).text();
    expect(metrics).toMatch(/hydra_operator_watch_restarts_total\{[^}]*resource="hydramonitors"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/hydra_operator_reconcile_total\{[^}]*result="applied"[^}]*\} [1-9]/);
    expect((await fetch(`${operator.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${operator.url}/readyz`)).status).toBe(200);
  });

  it('elects one leader among two replicas, and the other takes over when it stops', async () => {
    const ns = await createNamespace('leader');
    namespaces.push(ns);
    const lease = {
      namespace: OPERATOR_NAMESPACE,
      name: `hydra-operator-test-${ns}`,
      leaseDurationSeconds: 4,
      renewDeadlineMs: 3000,
      retryPeriodMs: 500,
    };
    // both replicas of one deployment: one hydra namespace
    const hydraNamespace = await createNamespace('hydra');
    namespaces.push(hydraNamespace);
    const replica = (identity: string) =>
      startTestOperator({ namespaces: [ns], hydraNamespace, leaderElection: { ...lease, identity } });
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    operators.push(a, b);
    const leader = await waitFor(
      'a leader',
      async () => (a.isLeader() ? a : b.isLeader() ? b : undefined),
      15_000,
      100,
    );
    const follower = leader === a ? b : a;
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    const held = await admin.get<{ spec: { holderIdentity: string } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${OPERATOR_NAMESPACE}/leases/${lease.name}`,
    );
    expect(held?.spec.holderIdentity).toBe(leader.identity);

    await createMonitor(ns, 'first');
    await reconciled(ns, 'first');
    expect(follower.metrics.writes()).toBe(0);

    await leader.stop();
    await waitFor('the follower to lead', async () => follower.isLeader(), 10_000, 100);
    await createMonitor(ns, 'second');
    await reconciled(ns, 'second');
    expect(follower.metrics.writes()).toBeGreaterThan(0);
  });
});
