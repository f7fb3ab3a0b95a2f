/**
 * 100 monitors: how long until every one has its children and status, how many API requests a reconcile costs,
 * and that at steady state the operator writes nothing (HYDRA_K8S_STEADY_SECONDS, default 60).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Operator } from '@hydra/operator';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  monitorManifest,
  startTestOperator,
  waitFor,
  type MonitorObject,
} from './harness.ts';

const MONITORS = 100;
/** Bound measured on a 2-core machine shared with other work (the README records the figures). */
const RECONCILE_BOUND_MS = 60_000;
const STEADY_SECONDS = Number(process.env.HYDRA_K8S_STEADY_SECONDS ?? 60);
const CREATE_CONCURRENCY = 10;

let ns: string;
let operator: Operator;

afterAll(async () => {
  await operator?.stop();
  if (ns) await deleteNamespace(ns);
});

describe(`${MONITORS} monitors`, () => {
  it('reconcile to their children within the bound, then the operator makes no writes at steady state', async () => {
    ns = await createNamespace('scale');
    operator = await startTestOperator({ namespaces: [ns], workers: 4 });
    const requestsBefore = operator.metrics.totalRequests();
    const writesBefore = operator.metrics.writes();

    const started = performance.now();
    const names = Array.from({ length: MONITORS }, (_, i) => `m-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += CREATE_CONCURRENCY) {
      await Promise.all(
        names.slice(i, i + CREATE_CONCURRENCY).map((name) =>
          admin.request('POST', `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`, {
            body: monitorManifest(ns, name, { selector: { metric: `metric_${name}` } }),
          }),
        ),
      );
    }
    await waitFor(
      `all ${MONITORS} monitors reconciled`,
      async () => {
        const list = await admin.request<{ items: MonitorObject[] }>(
          'GET',
          `/apis/hydra.io/v1alpha1/namespaces/${ns}/hydramonitors`,
        );
        return (
          list.items.length === MONITORS &&
          list.items.every(
            (m) => m.status?.observedGeneration === 1 && condition(m, 'JobsScheduled')?.status === 'True',
          )
        );
      },
      RECONCILE_BOUND_MS * 2,
      250,
    );
    const elapsedMs = performance.now() - started;
    const deployments = await admin.request<{ items: unknown[] }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments`);
    expect(deployments.items).toHaveLength(MONITORS);

    // Let the echo reconciles (status writes come back as watch events) drain.
    await waitFor('the work queue to drain', async () => {
      const w = operator.metrics.writes();
      await new Promise((r) => setTimeout(r, 1500));
      return operator.metrics.writes() === w;
    });
    const requests = operator.metrics.totalRequests() - requestsBefore;
    const writes = operator.metrics.writes() - writesBefore;

    const steadyFrom = operator.metrics.writes();
    const steadyRequests = operator.metrics.totalRequests();
    await new Promise((r) => setTimeout(r, STEADY_SECONDS * 1000));
    const steadyWrites = operator.metrics.writes() - steadyFrom;
    const steadyAll = operator.metrics.totalRequests() - steadyRequests;

    const figures = {
      monitors: MONITORS,
      reconcileAllSeconds: Number((elapsedMs / 1000).toFixed(2)),
      apiRequestsPerMonitor: Number((requests / MONITORS).toFixed(2)),
      writesPerMonitor: Number((writes / MONITORS).toFixed(2)),
      steadySeconds: STEADY_SECONDS,
      steadyWrites,
      steadyRequests: steadyAll,
    };
    console.log(`operator scale figures: ${JSON.stringify(figures)}`);
    expect(elapsedMs).toBeLessThan(RECONCILE_BOUND_MS);
    expect(steadyWrites).toBe(0);
  }, 300_000);
});
