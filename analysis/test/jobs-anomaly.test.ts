/**
 * The anomaly job on a real database: it scores every series of a monitor
 * from its checkpoint, stores score/expected/band per point, fires an alert
 * for an injected incident and resolves it after, reruns idempotently, reads
 * counters as rates, histograms as their p95 per step, says what it skips, and splits series across shards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriter,
  Database,
  listAlerts,
  migrate,
  readJobStatuses,
  readScores,
  ScorePartitions,
  SeriesRegistry,
  type SamplePoint,
} from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService } from '../src/alerts/index.ts';
import { DetectorCache } from '../src/jobs/detector-cache.ts';
import { runAnomalyJob } from '../src/jobs/anomaly.ts';
import type { MonitorRef } from '../src/jobs/monitor.ts';

const MINUTE = 60_000;
/** History start (a Monday 00:00 UTC) and length. */
const START = Date.UTC(2026, 10, 16, 0, 0, 0);
const HISTORY_MINUTES = 8 * 60;
const INCIDENT_FROM = HISTORY_MINUTES - 20;
const INCIDENT_TO = HISTORY_MINUTES - 8;
const HOSTS = ['web-1', 'web-2', 'web-3', 'web-4'];

/** Deterministic noise in [-1, 1]. */
const noise = (i: number, h: number) => Math.sin(i * 12.9898 + h * 78.233) * 0.5 + Math.sin(i * 4.1414 + h) * 0.5;
const cpu = (i: number, h: number) =>
  0.3 + 0.02 * noise(i, h) + (h === 0 && i >= INCIDENT_FROM && i < INCIDENT_TO ? 0.6 : 0);

const monitor = (name: string, spec: unknown): MonitorRef => ({
  key: `default/${name}`,
  name,
  namespace: 'default',
  spec: parseMonitorSpec(spec),
});

describe.each(testBackends())('anomaly job on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let now = START;
  let alerts: AlertService;
  const cpuMonitor = monitor('cpu', {
    selector: { metric: 'system.cpu.utilization' },
    anomaly: { detector: 'mad', warmup: '30m', lookback: '1d' },
    alerting: { for: '2m', severity: 'critical' },
  });

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    alerts = new AlertService({ db, clock: () => now });
    const registry = new SeriesRegistry(db);
    const writer = new BatchWriter(db);
    writer.start();
    const ids = await registry.resolve([
      ...HOSTS.map((host) => ({
        metric: {
          name: 'system.cpu.utilization',
          kind: 'gauge' as const,
          unit: '1',
          temporality: 'unspecified' as const,
          monotonic: false,
        },
        labels: { 'host.name': host },
      })),
      {
        metric: {
          name: 'http.server.errors',
          kind: 'sum',
          unit: '{error}',
          temporality: 'cumulative',
          monotonic: true,
        },
        labels: { 'host.name': 'web-1' },
      },
      {
        metric: {
          name: 'system.cpu.utilization',
          kind: 'summary',
          unit: '1',
          temporality: 'cumulative',
          monotonic: false,
        },
        labels: { 'host.name': 'odd' },
      },
    ]);
    const samples: SamplePoint[] = [];
    for (let i = 0; i < HISTORY_MINUTES + 30; i++) {
      HOSTS.forEach((_, h) =>
        samples.push({ seriesId: ids[h] as number, timeUs: (START + i * MINUTE) * 1000, value: cpu(i, h) }),
      );
      // 2 errors a minute, then 60 a minute during the incident
      const errors =
        i < INCIDENT_FROM
          ? 2 * i
          : 2 * INCIDENT_FROM + 60 * (Math.min(i, INCIDENT_TO) - INCIDENT_FROM) + 2 * Math.max(0, i - INCIDENT_TO);
      samples.push({ seriesId: ids[4] as number, timeUs: (START + i * MINUTE + 30_000) * 1000, value: errors });
    }
    await writer.write({ samples, histograms: [], expHistograms: [] });
    await writer.shutdown();
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('scores the history up to the incident without alerting on it, and stores score, expected and band', async () => {
    now = START + (INCIDENT_FROM - 1) * MINUTE + 30_000;
    const report = await runAnomalyJob({ db, alerts, monitor: cpuMonitor, now });
    expect(report).toMatchObject({
      monitor: 'default/cpu',
      series: 5,
      scored: 4,
      skipped: 1,
      skippedKinds: { summary: 1 },
    });
    // the monitor's job status says what it does not analyse, and what to select instead
    expect(report.note).toBe(
      '1 of 5 series not analysed: 1 summary series (system.cpu.utilization) — the anomaly job scores gauges, ' +
        'counters and histograms; select system.cpu.utilization_count or system.cpu.utilization_sum (their rate and ' +
        'total) instead',
    );
    const status = (await readJobStatuses(db)).find((s) => s.monitor === 'default/cpu' && s.kind === 'anomaly');
    expect(status?.lastNote).toBe(report.note);
    expect(report.points).toBeGreaterThan(4 * (INCIDENT_FROM - 5));
    const scores = await readScores(db, {
      seriesId: 1,
      monitor: 'default/cpu',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    const last = scores.at(-1)!;
    expect(last.time).toBe(START + (INCIDENT_FROM - 2) * MINUTE);
    expect(last.score).toBeLessThan(0.5);
    expect(last.lower!).toBeLessThan(last.expected!);
    expect(last.upper!).toBeGreaterThan(last.expected!);
    expect(scores[0]!.score).toBe(0); // warm-up
    expect((await listAlerts(db, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('fires for the incident within two passes, explains it, and resolves after it ends', async () => {
    const cache = new DetectorCache();
    const seen: string[] = [];
    for (let minute = INCIDENT_FROM; minute <= HISTORY_MINUTES + 10; minute++) {
      now = START + minute * MINUTE + 30_000;
      await runAnomalyJob({ db, alerts, monitor: cpuMonitor, now, cache });
      const active = await listAlerts(db, { monitor: 'default/cpu', limit: 10, offset: 0 });
      seen.push(active.alerts.map((a) => `${a.labels['host.name']}:${a.state}`).join(',') || '-');
    }
    // the bucket of minute INCIDENT_FROM is scored at INCIDENT_FROM + 1; `for` 2m → firing 2 minutes later
    const firstFiring = seen.findIndex((s) => s.includes('web-1:firing'));
    expect(firstFiring).toBeGreaterThanOrEqual(0);
    expect(firstFiring).toBeLessThanOrEqual(4);
    expect(seen.every((s) => !/web-[234]/.test(s))).toBe(true);
    expect(seen.at(-1)).toBe('-');
    const history = await listAlerts(db, { monitor: 'default/cpu', states: ['resolved'], limit: 10, offset: 0 });
    expect(history.alerts).toHaveLength(1);
    const alert = history.alerts[0]!;
    expect(alert.labels).toMatchObject({
      'host.name': 'web-1',
      __name__: 'system.cpu.utilization',
      monitor: 'default/cpu',
    });
    expect(alert.severity).toBe('critical');
    expect(alert.startedAt).toBe(START + INCIDENT_FROM * MINUTE);
    expect(alert.resolvedAt! - alert.startedAt).toBeGreaterThanOrEqual((INCIDENT_TO - INCIDENT_FROM) * MINUTE);
    expect(alert.explanation).toMatchObject({ metric: 'system.cpu.utilization', detector: 'mad', direction: 'above' });
  });

  it('a rerun over the same range changes nothing (idempotent scores and alerts)', async () => {
    const before = await readScores(db, {
      seriesId: 1,
      monitor: 'default/cpu',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    const report = await runAnomalyJob({ db, alerts, monitor: cpuMonitor, now });
    expect(report.points).toBe(0);
    const after = await readScores(db, {
      seriesId: 1,
      monitor: 'default/cpu',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    expect(after).toEqual(before);
    expect(
      (
        await listAlerts(db, {
          monitor: 'default/cpu',
          states: ['pending', 'firing', 'resolved'],
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(1);
  });

  it('scores a cumulative counter as a per-second rate', async () => {
    const errors = monitor('errors', {
      selector: { metric: 'http.server.errors' },
      anomaly: { detector: 'mad', warmup: '30m' },
    });
    now = START + (INCIDENT_FROM + 5) * MINUTE + 30_000;
    await runAnomalyJob({ db, alerts, monitor: errors, now });
    const scores = await readScores(db, {
      seriesId: 5,
      monitor: 'default/errors',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    expect(scores.find((s) => s.time === START + 100 * MINUTE)?.value).toBeCloseTo(2 / 60, 6);
    const incident = scores.filter((s) => s.time >= START + INCIDENT_FROM * MINUTE);
    expect(Math.max(...incident.map((s) => s.score ?? 0))).toBeGreaterThan(0.5);
  });

  it('scores a latency histogram as the p95 of each minute, and fires when it rises', async () => {
    // 10 requests a second; 95 % under 100 ms, until an incident moves the slowest tenth past 1 s
    const bounds = [50, 100, 250, 500, 1000, 2500];
    const [id] = (await new SeriesRegistry(db).resolve([
      {
        metric: {
          name: 'http.server.request.duration',
          kind: 'histogram',
          unit: 'ms',
          temporality: 'cumulative',
          monotonic: false,
        },
        labels: { 'host.name': 'web-1' },
      },
    ])) as [number];
    const counts = new Array<number>(bounds.length + 1).fill(0);
    const histograms = [];
    for (let i = 0; i < HISTORY_MINUTES * 4; i++) {
      const minute = Math.floor(i / 4);
      const slow = minute >= INCIDENT_FROM && minute < INCIDENT_TO;
      // 150 requests per 15 s: 96 % at 50-100 ms normally; 15 % at 1-2.5 s in the incident
      const perBucket = slow ? [40, 87, 0, 0, 0, 23, 0] : [40, 104 + (i % 3), 6 - (i % 3), 0, 0, 0, 0];
      perBucket.forEach((c, k) => (counts[k]! += c));
      histograms.push({
        seriesId: id,
        timeUs: (START + i * 15_000 + 5_000) * 1000,
        startTimeUs: START * 1000,
        count: counts.reduce((a, b) => a + b, 0),
        sum: null,
        min: null,
        max: null,
        bounds,
        bucketCounts: [...counts],
      });
    }
    const writer = new BatchWriter(db);
    writer.start();
    await writer.write({ samples: [], histograms, expHistograms: [] });
    await writer.shutdown();
    const latency = monitor('latency', {
      selector: { metric: 'http.server.request.duration' },
      anomaly: { detector: 'mad', warmup: '30m', quantile: 0.95 },
      alerting: { for: '2m', severity: 'critical' },
    });
    now = START + (INCIDENT_FROM + 6) * MINUTE + 30_000;
    const report = await runAnomalyJob({ db, alerts, monitor: latency, now });
    expect(report).toMatchObject({ series: 1, scored: 1, skipped: 0 });
    expect(report.note).toBeUndefined();
    const scores = await readScores(db, {
      seriesId: id,
      monitor: 'default/latency',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    // the p95 of a normal minute: rank 570 of 600, in the 50-100 ms bucket (160 below it, ~424 in it)
    const normal = scores.find((s) => s.time === START + 100 * MINUTE)!;
    expect(normal.value).toBeGreaterThan(90);
    expect(normal.value).toBeLessThan(100);
    // in the incident the p95 is in the 1-2.5 s bucket, and scored anomalous
    const incident = scores.filter((s) => s.time >= START + INCIDENT_FROM * MINUTE);
    expect(Math.min(...incident.map((s) => s.value ?? Number.POSITIVE_INFINITY))).toBeGreaterThan(1000);
    expect(Math.max(...incident.map((s) => s.score ?? 0))).toBeGreaterThan(0.5);
    const open = await listAlerts(db, { limit: 10, offset: 0, monitor: 'default/latency' });
    expect(open.alerts.map((a) => a.labels['host.name'])).toEqual(['web-1']);
    expect(open.alerts[0]!.summary).toMatch(
      /^http\.server\.request\.duration p95 on web-1 is [\d.]+ ms, above the expected/,
    );
    // the monitor's quantile: the median of a normal minute is lower in the same 50-100 ms bucket
    const median = monitor('latency-p50', {
      selector: { metric: 'http.server.request.duration' },
      anomaly: { detector: 'mad', warmup: '30m', quantile: 0.5 },
    });
    await runAnomalyJob({ db, alerts, monitor: median, now });
    const p50 = await readScores(db, {
      seriesId: id,
      monitor: 'default/latency-p50',
      fromMs: START,
      toMs: now,
      limit: 10_000,
    });
    const normalMedian = p50.find((s) => s.time === START + 100 * MINUTE)!.value!;
    expect(normalMedian).toBeGreaterThan(50);
    expect(normalMedian).toBeLessThan(normal.value! - 10);
  });

  it('shards split the series: disjoint, and together all of them', async () => {
    now = START + 60 * MINUTE;
    const shardMonitor = monitor('sharded', {
      selector: { metric: 'system.cpu.utilization' },
      anomaly: { detector: 'zscore' },
    });
    const reports = [];
    for (let index = 0; index < 3; index++)
      reports.push(
        await runAnomalyJob({ db, alerts, monitor: shardMonitor, now, shard: { index, count: 3 }, pageSize: 2 }),
      );
    expect(reports.reduce((n, r) => n + r.series, 0)).toBe(5);
    expect(reports.reduce((n, r) => n + r.scored, 0)).toBe(4);
  });

  it('drops score partitions whose whole day is past the retention', async () => {
    const partitions = new ScorePartitions(db);
    expect(await partitions.dropBefore(START)).toEqual([]);
    const dropped = await partitions.dropBefore(START + 86_400_000);
    // plain mode drops the day's partition, TimescaleDB mode the day's chunk
    if (backend === 'timescaledb')
      expect(dropped).toEqual([expect.stringMatching(/^_timescaledb_internal\._hyper_\d+_\d+_chunk$/)]);
    else expect(dropped).toEqual(['anomaly_score_p20261116']);
    expect(await readScores(db, { seriesId: 1, fromMs: START, toMs: START + 86_400_000, limit: 10 })).toEqual([]);
  });
});
