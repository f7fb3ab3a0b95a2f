/**
 * The AlertService against a real database (PGlite, and PostgreSQL when
 * HYDRA_TEST_DATABASE_URL is set): pending → firing → resolved with `for`,
 * hysteresis, de-duplication, silences, acknowledgement, the generic
 * raise/resolve entry point, and notifications written to the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, getAlert, listAlerts, listNotifications, migrate } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { AlertService, type AnomalyAlertPolicy, type AnomalyObservation } from '../src/alerts/index.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const POLICY: AnomalyAlertPolicy = { forMs: 2 * MINUTE, resolveAfter: 3, fireThreshold: 0.5, resolveThreshold: 0.3 };
const LABELS = { 'host.name': 'web-1', 'service.name': 'shop' };

const point = (minute: number, score: number, value = 0.9): AnomalyObservation => ({
  time: T0 + minute * MINUTE,
  value,
  score,
  expected: 0.4,
  lower: 0.3,
  upper: 0.5,
});

describe.each(testBackends())('AlertService on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let now = T0;
  let service: AlertService;

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    service = new AlertService({
      db,
      clock: () => now,
      targets: (monitor) =>
        monitor === 'cpu'
          ? [
              { kind: 'alertmanager', url: 'http://am.invalid:9093' },
              { kind: 'webhook', url: 'http://hook.invalid/x', secretRef: 'hook' },
            ]
          : [],
    });
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  const observe = (monitor: string, observations: AnomalyObservation[], seriesId = 1) =>
    service.observeAnomalies({
      monitor,
      seriesId,
      metric: 'system.cpu.utilization',
      unit: '1',
      labels: LABELS,
      detector: 'ensemble',
      severity: 'warning',
      policy: POLICY,
      observations,
    });

  it('goes pending, fires after `for`, holds between thresholds, resolves after N clears, and notifies twice', async () => {
    let alert = await observe('cpu', [point(0, 0.9)]);
    expect(alert?.state).toBe('pending');
    alert = await observe('cpu', [point(1, 0.95, 0.97)]);
    expect(alert?.state).toBe('pending');
    alert = await observe('cpu', [point(2, 0.8)]);
    expect(alert?.state).toBe('firing');
    expect(alert?.firedAt).toBe(T0 + 2 * MINUTE);
    expect(alert?.explanation).toMatchObject({
      metric: 'system.cpu.utilization',
      detector: 'ensemble',
      observed: 0.9,
      expected: 0.4,
      lower: 0.3,
      upper: 0.5,
      score: 0.8,
      peakScore: 0.95,
    });
    expect(alert?.summary).toContain('web-1');
    // two clears, a hold (resets the count), two clears: still firing (hysteresis)
    alert = await observe('cpu', [point(3, 0.1), point(4, 0.1), point(5, 0.4), point(6, 0.1), point(7, 0.2)]);
    expect(alert?.state).toBe('firing');
    alert = await observe('cpu', [point(8, 0.05)]);
    expect(alert?.state).toBe('resolved');
    expect(alert?.resolvedAt).toBe(T0 + 8 * MINUTE);

    const detail = await getAlert(db, alert!.id);
    expect(detail?.events.map((e) => e.event)).toEqual(['pending', 'firing', 'resolved']);
    const sent = await listNotifications(db, { alertId: alert!.id, limit: 10 });
    expect(sent.map((n) => `${n.notifier}:${String(n.payload.state)}`).sort()).toEqual([
      'alertmanager:firing',
      'alertmanager:resolved',
      'webhook:firing',
      'webhook:resolved',
    ]);
    expect(sent.find((n) => n.notifier === 'webhook')?.secretRef).toBe('hook');
  });

  it('de-duplicates: the same condition on the same series is one alert, a new episode after resolution', async () => {
    const a = await observe('dedup', [point(0, 0.9), point(1, 0.9), point(2, 0.9)], 2);
    const b = await observe('dedup', [point(3, 0.9), point(4, 0.99)], 2);
    expect(b?.id).toBe(a?.id);
    expect(b?.state).toBe('firing');
    const c = await observe('dedup', [point(5, 0), point(6, 0), point(7, 0), point(8, 0.9)], 2);
    expect(c?.id).not.toBe(a?.id);
    expect(c?.state).toBe('pending');
    const active = await listAlerts(db, { monitor: 'dedup', limit: 10, offset: 0 });
    expect(active.alerts.map((x) => x.id)).toEqual([c?.id]);
    const all = await listAlerts(db, {
      monitor: 'dedup',
      states: ['pending', 'firing', 'resolved'],
      limit: 10,
      offset: 0,
    });
    expect(all.total).toBe(2);
  });

  it('fires after `for` while the incident holds between the thresholds (one alarm, then held scores)', async () => {
    // The default detector alarms once per incident and holds its later points between 0.3 and 0.5.
    const pending = await observe('held', [point(0, 0.9), point(1, 0.45)], 4);
    expect(pending?.state).toBe('pending');
    const firing = await observe('held', [point(2, 0.45)], 4);
    expect(firing?.state).toBe('firing');
    expect(firing?.firedAt).toBe(T0 + 2 * MINUTE);
    // A blip that clears before `for` never fires.
    const blip = await observe('blip', [point(0, 0.9), point(1, 0.1), point(2, 0.1), point(3, 0.1)], 5);
    expect(blip?.state).toBe('resolved');
    expect(blip?.firedAt).toBeNull();
    // One clear ends a pending episode (the condition did not hold for `for`): held points after it fire nothing.
    const broken = await observe('broken', [point(0, 0.9), point(1, 0.1), point(2, 0.45), point(3, 0.45)], 2);
    expect(broken?.state).toBe('resolved');
    expect(broken?.firedAt).toBeNull();
  });

  it('a missing value (NaN score) neither fires nor clears', async () => {
    expect(await observe('nan', [point(0, Number.NaN)], 3)).toBeNull();
  });

  it('does not notify a silenced alert, records the silence, and notifies again once the silence is expired', async () => {
    now = T0;
    const silence = await service.createSilence({
      matchers: [
        { name: 'host.name', op: '=', value: 'web-1' },
        { name: 'monitor', op: '=~', value: 'sil.*' },
      ],
      startsAt: T0 - MINUTE,
      endsAt: T0 + 60 * MINUTE,
      createdBy: 'alice',
      comment: 'maintenance window',
    });
    const alert = await service.raise({
      kind: 'forecast_threshold',
      monitor: 'silenced',
      labels: LABELS,
      metric: 'system.filesystem.utilization',
      time: T0,
      severity: 'critical',
      summary: 'disk full in 3h',
      explanation: { threshold: 0.95 },
    });
    expect(alert.state).toBe('firing');
    expect(alert.silencedBy).toBe(silence.id);
    const detail = await getAlert(db, alert.id);
    expect(detail?.events.map((e) => e.event)).toEqual(['firing', 'silenced']);
    expect(await service.expireSilence(silence.id)).toMatchObject({ id: silence.id });
    expect(await service.expireSilence(999_999)).toBeNull();
    expect(await service.matchingSilence(db, { ...alert.labels, severity: 'critical' }, T0 + MINUTE)).toBeNull();
  });

  it('raise/resolve: de-duplicated by fingerprint, `for` respected, resolve after N calls', async () => {
    const identity = {
      kind: 'forecast_threshold',
      monitor: 'disk',
      labels: { ...LABELS, threshold: '0.95' },
      metric: 'system.filesystem.utilization',
    };
    const raise = (minute: number) =>
      service.raise({
        ...identity,
        time: T0 + minute * MINUTE,
        severity: 'warning',
        summary: `crosses 0.95 in ${180 - minute} min`,
        explanation: { threshold: 0.95, eta: new Date(T0 + 180 * MINUTE).toISOString() },
        forMs: 5 * MINUTE,
      });
    const first = await raise(0);
    expect(first.state).toBe('pending');
    const second = await raise(5);
    expect(second.id).toBe(first.id);
    expect(second.state).toBe('firing');
    expect(second.labels).toMatchObject({
      alertname: 'HydraForecastThreshold',
      monitor: 'disk',
      __name__: 'system.filesystem.utilization',
      threshold: '0.95',
    });
    expect((await service.resolve({ ...identity, time: T0 + 6 * MINUTE, resolveAfter: 2 }))?.state).toBe('firing');
    expect((await service.resolve({ ...identity, time: T0 + 7 * MINUTE, resolveAfter: 2 }))?.state).toBe('resolved');
    expect(await service.resolve({ ...identity, time: T0 + 8 * MINUTE })).toBeNull();
  });

  it('acknowledges with who and why, in the history', async () => {
    const alert = await service.raise({
      kind: 'custom',
      monitor: 'ack',
      labels: {},
      time: T0,
      severity: 'info',
      summary: 's',
      explanation: {},
    });
    now = T0 + 3 * MINUTE;
    const acked = await service.acknowledge(alert.id, 'bob', 'looking');
    expect(acked).toMatchObject({ acknowledgedBy: 'bob', ackComment: 'looking', acknowledgedAt: T0 + 3 * MINUTE });
    expect(await service.acknowledge(123_456, 'bob', '')).toBeNull();
  });

  it('refuses an invalid policy naming the field', async () => {
    await expect(
      service.observeAnomalies({
        monitor: 'x',
        seriesId: 1,
        metric: 'm',
        labels: {},
        detector: 'zscore',
        severity: 'info',
        policy: { ...POLICY, resolveThreshold: 0.9 },
        observations: [point(0, 1)],
      }),
    ).rejects.toThrow(/resolveThreshold/);
    await expect(
      service.raise({ kind: '', monitor: 'm', labels: {}, time: 0, severity: 'info', summary: '', explanation: {} }),
    ).rejects.toThrow(/kind/);
  });

  it('observeAnomaliesMany: a page of series, only firing and open ones evaluated, as observeAnomalies would', async () => {
    const input = (monitor: string, host: string, observations: AnomalyObservation[]) => ({
      monitor,
      seriesId: 1,
      metric: 'system.cpu.utilization',
      unit: '1',
      labels: { ...LABELS, 'host.name': host },
      detector: 'ensemble',
      severity: 'warning' as const,
      policy: { ...POLICY, forMs: 0, resolveAfter: 1 },
      observations,
    });
    // firing on a, quiet on b, nothing scored (NaN) on c
    await service.observeAnomaliesMany([
      input('many', 'a', [point(0, 0.9)]),
      input('many', 'b', [point(0, 0.1)]),
      input('many', 'c', [point(0, Number.NaN)]),
    ]);
    const firing = await listAlerts(db, { monitor: 'many', limit: 10, offset: 0 });
    expect(firing.alerts.map((a) => `${a.labels['host.name']}:${a.state}`)).toEqual(['a:firing']);
    // a clears (it is open, so it is evaluated although nothing fires), b stays quiet
    await service.observeAnomaliesMany([input('many', 'a', [point(1, 0.1)]), input('many', 'b', [point(1, 0.1)])]);
    const after = await listAlerts(db, { monitor: 'many', states: ['resolved'], limit: 10, offset: 0 });
    expect(after.alerts.map((a) => a.labels['host.name'])).toEqual(['a']);
    expect((await listAlerts(db, { monitor: 'many', limit: 10, offset: 0 })).alerts).toEqual([]);
  });
});
