import { describe, expect, it } from 'vitest';
import { parseMonitor, type HydraMonitor } from '@hydra/schema';
import { computeStatus, dedicatedCollector, hasDedicatedCollector } from '@hydra/operator';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-01T00:05:00Z');

function monitor(spec: Record<string, unknown> = {}, generation = 1): HydraMonitor {
  const m = parseMonitor({
    apiVersion: 'hydra.io/v1alpha1',
    kind: 'HydraMonitor',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { selector: { metric: 'm' }, collector: {}, ...spec },
  });
  return { ...m, metadata: { ...m.metadata, uid: 'u1', generation } };
}

const available = (replicas: number, generation = 1) => ({
  metadata: { generation },
  status: {
    observedGeneration: generation,
    replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    updatedReplicas: replicas,
  },
});
/** The monitor's dedicated collector as observed, with its Deployment. */
function dedicated(m: HydraMonitor, deployment?: unknown) {
  if (!hasDedicatedCollector(m)) throw new Error('no dedicated collector');
  return { name: 'dedicated', source: dedicatedCollector(m), deployment: deployment as never };
}

const cronJob = (schedule: string, lastSuccessfulTime?: string) => ({
  spec: { schedule, jobTemplate: {} },
  status: { lastSuccessfulTime },
});

describe('computeStatus', () => {
  it('is Ready when the collector is available and every enabled job is scheduled', () => {
    const s = computeStatus(
      monitor(),
      {
        collector: dedicated(monitor(), available(1)),
        anomalyJob: cronJob('*/5 * * * *', '2026-01-01T00:00:00Z') as never,
      },
      T0,
    );
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'Ready'],
      ['CollectorAvailable', 'True', 'MinimumReplicasAvailable'],
      ['JobsScheduled', 'True', 'Scheduled'],
    ]);
    expect(s.observedGeneration).toBe(1);
    expect(s.collector).toMatchObject({ endpoint: 'http://web-collector.shop.svc:4317', ready: '1/1', replicas: 1 });
    expect(s.lastAnalysisTime).toBe('2026-01-01T00:00:00Z');
  });

  it('names the failing part in Ready and keeps lastTransitionTime while a condition does not flip', () => {
    const m = monitor({ forecast: { enabled: true } });
    const first = computeStatus(
      m,
      { collector: dedicated(m, available(0)), anomalyJob: cronJob('*/5 * * * *') as never },
      T0,
    );
    expect(first.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'CollectorUnavailable' });
    expect(first.conditions?.[2]).toMatchObject({
      type: 'JobsScheduled',
      status: 'False',
      reason: 'NotCreated',
      message: expect.stringContaining('forecast'),
    });
    const again = computeStatus(
      { ...m, status: first },
      { collector: dedicated(m, available(1)), anomalyJob: cronJob('*/5 * * * *') as never },
      T1,
    );
    const collector = again.conditions?.find((c) => c.type === 'CollectorAvailable');
    const jobs = again.conditions?.find((c) => c.type === 'JobsScheduled');
    expect(collector).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T00:05:00Z' });
    expect(jobs).toMatchObject({ status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('reports paused and failed reconciles in Ready', () => {
    expect(
      computeStatus(monitor({ paused: true }), { collector: dedicated(monitor()) }, T0).conditions?.[0],
    ).toMatchObject({
      status: 'False',
      reason: 'Paused',
    });
    expect(
      computeStatus(monitor(), { collector: dedicated(monitor()), error: new Error('boom') }, T0).conditions?.[0],
    ).toMatchObject({
      status: 'False',
      reason: 'ReconcileFailed',
      message: 'boom',
    });
  });

  it('names the shared collector a monitor uses, and says when it does not exist', () => {
    const m = parseMonitor({
      apiVersion: 'hydra.io/v1alpha1',
      kind: 'HydraMonitor',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { metric: 'm' }, collectorRef: { name: 'fleet' } },
    });
    const s = computeStatus(
      m,
      {
        collector: {
          name: 'hydra-system/fleet',
          problem: { reason: 'CollectorNotFound', message: 'HydraCollector hydra-system/fleet does not exist' },
        },
      },
      T0,
    );
    expect(s.collector).toEqual({ name: 'hydra-system/fleet' });
    expect(s.conditions?.[1]).toMatchObject({
      type: 'CollectorAvailable',
      status: 'False',
      reason: 'CollectorNotFound',
    });
    expect(s.conditions?.[0]).toMatchObject({ status: 'False', reason: 'CollectorUnavailable' });
  });

  it('shows the last run of each job and its outcome, from the Jobs the CronJob started', () => {
    const job = (name: string, created: string, conditions: object[], extra: object = {}) => ({
      metadata: { name, creationTimestamp: created },
      status: { startTime: created, conditions, ...extra },
    });
    const runs = [
      job('a-1', '2026-01-01T00:00:00Z', [{ type: 'Complete', status: 'True' }], {
        completionTime: '2026-01-01T00:01:00Z',
      }),
      job('a-2', '2026-01-01T00:05:00Z', [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ]),
    ];
    const m = monitor();
    const s = computeStatus(
      m,
      { collector: dedicated(m), anomalyJob: cronJob('*/5 * * * *') as never, anomalyRuns: runs as never },
      T0,
    );
    expect(s.jobs?.anomaly?.lastRun).toEqual({
      name: 'a-2',
      outcome: 'Failed',
      startTime: '2026-01-01T00:05:00Z',
      message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
    });
    const running = computeStatus(
      m,
      {
        collector: dedicated(m),
        anomalyJob: cronJob('*/5 * * * *') as never,
        anomalyRuns: [...runs, job('a-3', '2026-01-01T00:10:00Z', [])] as never,
      },
      T0,
    );
    expect(running.jobs?.anomaly?.lastRun).toMatchObject({ name: 'a-3', outcome: 'Running' });
  });
});
