/**
 * GET /monitors through `app.inject()` on a real database: the configured monitors (hydra.yaml) with their
 * spec, monitors known only from their recorded job runs (HydraMonitor resources whose CronJobs ran) and
 * from their alerts, merged by key with their last runs and alert activity; the token's scope is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { parseMonitorSpec } from '@hydra/schema';
import { recordJobOutcome } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { AlertService } from '@hydra/analysis';
import { buildApp, type ConfiguredMonitor } from '../src/index.ts';
import { HS256_SECRET, openFixture, type Fixture } from './fixtures.ts';

const MINUTE = 60_000;

const configured: ConfiguredMonitor[] = [
  {
    name: 'demo-cpu',
    namespace: 'default',
    spec: parseMonitorSpec({
      selector: { metric: 'system.cpu.utilization', matchers: [{ name: 'host.name', op: '=~', value: 'web-.*' }] },
      alerting: { severity: 'critical', for: '2m' },
    }),
  },
  {
    name: 'demo-disk',
    namespace: 'default',
    spec: parseMonitorSpec({
      selector: { metric: 'system.filesystem.utilization' },
      anomaly: { enabled: false },
      forecast: { enabled: true, horizon: '6h', thresholds: [{ value: 0.9 }] },
    }),
  },
];

describe.each(testBackends())('GET /monitors on %s', (backend) => {
  let fx: Fixture;
  let app: FastifyInstance;
  let secured: FastifyInstance;

  beforeAll(async () => {
    fx = await openFixture(backend);
    const alerts = new AlertService({ db: fx.db });
    app = await buildApp({ db: fx.db, auth: { mode: 'off' }, alerts, monitors: configured });
    secured = await buildApp({ db: fx.db, auth: { mode: 'on', jwtSecret: HS256_SECRET }, alerts });
    // demo-cpu ran twice (the second failed); a Kubernetes monitor only ran its forecast job
    await recordJobOutcome(fx.db, {
      monitor: 'default/demo-cpu',
      kind: 'anomaly',
      outcome: 'success',
      durationSeconds: 0.5,
      at: fx.now - 2 * MINUTE,
    });
    await recordJobOutcome(fx.db, {
      monitor: 'default/demo-cpu',
      kind: 'anomaly',
      outcome: 'failure',
      durationSeconds: 0.25,
      at: fx.now - MINUTE,
      error: 'database unavailable',
    });
    await recordJobOutcome(fx.db, {
      monitor: 'shop/checkout-latency',
      kind: 'forecast',
      outcome: 'success',
      durationSeconds: 3,
      at: fx.now - 5 * MINUTE,
      note: '4 of 4 series not analysed: 4 histogram series (http.server.request.duration)',
    });
    // an alert of demo-cpu (firing at once: for 0) and one of a monitor known only from its alerts
    const raise = (monitor: string, severity: 'warning' | 'critical', minutesAgo: number) =>
      alerts.raise({
        kind: 'anomaly',
        monitor,
        metric: 'system.cpu.utilization',
        labels: { 'host.name': 'web-1' },
        time: fx.now - minutesAgo * MINUTE,
        severity,
        summary: 'cpu of web-1 is high',
        explanation: { observed: 0.9, expected: 0.4, lower: 0.3, upper: 0.5, score: 0.97 },
      });
    await raise('default/demo-cpu', 'critical', 10);
    await raise('ops/retired', 'warning', 30);
  });
  afterAll(async () => {
    await app?.close();
    await secured?.close();
    await fx?.close();
  });

  it('lists configured monitors, monitors with recorded runs and monitors with alerts, by key', async () => {
    const res = await app.inject({ method: 'GET', url: '/monitors' });
    expect(res.statusCode).toBe(200);
    const { monitors } = res.json() as { monitors: { key: string; sources: string[] }[] };
    expect(monitors.map((m) => [m.key, m.sources])).toEqual([
      ['default/demo-cpu', ['config', 'jobs', 'alerts']],
      ['default/demo-disk', ['config']],
      ['ops/retired', ['alerts']],
      ['shop/checkout-latency', ['jobs']],
    ]);
  });

  it("gives a configured monitor's spec, its last run with its outcome and error, and its alert activity", async () => {
    const { monitors } = (await app.inject({ method: 'GET', url: '/monitors' })).json() as {
      monitors: Record<string, unknown>[];
    };
    const cpu = monitors.find((m) => m.key === 'default/demo-cpu')!;
    expect(cpu).toMatchObject({
      name: 'demo-cpu',
      namespace: 'default',
      spec: {
        metric: 'system.cpu.utilization',
        matchers: ['host.name=~"web-.*"'],
        anomaly: { detector: expect.any(String), schedule: expect.any(String) },
        forecast: null,
        severity: 'critical',
        for: '2m',
        paused: false,
      },
      jobs: [
        {
          kind: 'anomaly',
          lastOutcome: 'failure',
          lastRunAt: new Date(fx.now - MINUTE).toISOString(),
          lastSuccessAt: new Date(fx.now - 2 * MINUTE).toISOString(),
          lastError: 'database unavailable',
          note: null,
          consecutiveFailures: 1,
          lastDurationSeconds: 0.25,
        },
      ],
    });
    expect(cpu.alerts).toMatchObject({
      open: 1,
      total: 1,
      lastStartedAt: new Date(fx.now - 10 * MINUTE).toISOString(),
    });

    const disk = monitors.find((m) => m.key === 'default/demo-disk')!;
    expect(disk).toMatchObject({
      spec: { anomaly: null, forecast: { horizon: '6h', thresholds: [{ value: 0.9, direction: 'above' }] } },
      jobs: [],
      alerts: { open: 0, firing: 0, worstFiring: null, total: 0, lastStartedAt: null },
    });
    const k8s = monitors.find((m) => m.key === 'shop/checkout-latency')!;
    expect(k8s).toMatchObject({ name: 'checkout-latency', namespace: 'shop', spec: null });
    expect(k8s.jobs).toMatchObject([
      {
        kind: 'forecast',
        lastOutcome: 'success',
        consecutiveFailures: 0,
        // what the pass did not analyse, in the monitor's status
        note: '4 of 4 series not analysed: 4 histogram series (http.server.request.duration)',
      },
    ]);
  });

  it('needs metrics:read when authentication is on', async () => {
    expect((await secured.inject({ method: 'GET', url: '/monitors' })).statusCode).toBe(401);
    const token = await new SignJWT({ scope: 'metrics:read', sub: 't' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HS256_SECRET));
    const res = await secured.inject({
      method: 'GET',
      url: '/monitors',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as { monitors: unknown[] }).monitors).toHaveLength(3);
  });
});
