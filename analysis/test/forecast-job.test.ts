/**
 * The forecast job on a real database: a filling disk gets a stored forecast
 * and a forecast_threshold alert ("reaches 0.9 in …") while a steady one does
 * not; a rerun replaces instead of duplicating; the alert resolves once no
 * crossing is predicted; pages larger than the inline limit go to the runner;
 * shards split the series; forecasts of series no longer forecast are pruned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriter,
  Database,
  listAlerts,
  migrate,
  readForecasts,
  SeriesRegistry,
  writeForecasts,
  type SamplePoint,
} from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService } from '../src/alerts/index.ts';
import { runForecastJob } from '../src/jobs/forecast.ts';
import type { MonitorRef } from '../src/jobs/monitor.ts';
import { runInline, type ForecastRunner } from '../src/forecast/runner.ts';
import { toStoredForecast } from '../src/forecast/stored.ts';
import { forecastSeries } from '@hydra/analytics';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** History start (a Monday 00:00 UTC) and length: three days at one point a minute. */
const START = Date.UTC(2026, 10, 16, 0, 0, 0);
const HISTORY_MINUTES = 3 * 24 * 60;
const END = START + HISTORY_MINUTES * MINUTE;
const HOSTS = ['web-1', 'web-2', 'web-3', 'web-4'];
const DISK = 'system.filesystem.utilization';

/** Deterministic noise in [-1, 1]. */
const noise = (i: number, h: number) => Math.sin(i * 12.9898 + h * 78.233) * 0.5 + Math.sin(i * 4.1414 + h) * 0.5;
const daily = (i: number) => Math.sin((2 * Math.PI * i) / 1440);
/** web-4 fills 0.40 → 0.85 over the three days (0.15 a day: 0.9 is 8 h ahead); the others hold steady. */
const disk = (i: number, h: number) =>
  h === 3
    ? 0.4 + (0.15 * i) / 1440 + 0.003 * daily(i) + 0.001 * noise(i, h)
    : 0.3 + 0.02 * daily(i) + 0.002 * noise(i, h);

const monitor = (name: string, spec: unknown): MonitorRef => ({
  key: `default/${name}`,
  name,
  namespace: 'default',
  spec: parseMonitorSpec(spec),
});

const diskMonitor = monitor('disk', {
  selector: { metric: DISK },
  anomaly: { enabled: false },
  forecast: {
    enabled: true,
    horizon: '24h',
    thresholds: [
      { value: 0.9, direction: 'above', severity: 'warning' },
      { value: 1.5, direction: 'above', severity: 'critical' },
    ],
  },
});

describe.each(testBackends())('forecast job on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let alerts: AlertService;
  let ids: number[];
  const now = END + 5 * MINUTE;

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    alerts = new AlertService({ db, clock: () => now });
    const registry = new SeriesRegistry(db);
    const resolved = await registry.resolve(
      HOSTS.map((host) => ({
        metric: {
          name: DISK,
          kind: 'gauge' as const,
          unit: '1',
          temporality: 'unspecified' as const,
          monotonic: false,
        },
        labels: { 'host.name': host, 'system.filesystem.mountpoint': '/' },
      })),
    );
    ids = resolved.map((r) => {
      if (typeof r !== 'number') throw new Error(`series refused: ${JSON.stringify(r)}`);
      return r;
    });
    const writer = new BatchWriter(db);
    writer.start();
    const samples: SamplePoint[] = [];
    for (let i = 0; i < HISTORY_MINUTES; i++) {
      HOSTS.forEach((_, h) =>
        samples.push({ seriesId: ids[h] as number, timeUs: (START + i * MINUTE) * 1000, value: disk(i, h) }),
      );
    }
    await writer.write({ samples, histograms: [], expHistograms: [] });
    await writer.shutdown();
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('stores a forecast per series and raises "reaches 0.9 in …" for the filling disk only', async () => {
    const report = await runForecastJob({ db, alerts, monitor: diskMonitor, now });
    expect(report).toMatchObject({ monitor: 'default/disk', series: 4, forecast: 4, skipped: 0, failed: 0 });
    expect(report.stepSeconds).toBe(1800);
    expect(report.horizonSteps).toBe(48);
    expect(report.raised).toBe(1);
    expect(report.firing).toBe(1);

    const stored = await readForecasts(db, { seriesIds: ids, monitor: 'default/disk' });
    expect(stored.size).toBe(4);
    const web4 = stored.get(ids[3] as number)!;
    expect(web4.mean).toHaveLength(48);
    expect(web4.createdAt).toBe(now);
    expect(web4.level).toBe(0.95);
    expect(web4.firstTime).toBe(web4.lastObservedTime + 1800_000);
    expect(web4.holdoutMase).not.toBeNull();
    web4.mean.forEach((m, k) => {
      expect(web4.lower[k]!).toBeLessThanOrEqual(m!);
      expect(web4.upper[k]!).toBeGreaterThanOrEqual(m!);
    });
    // Still rising: 0.85 now, about 0.9 eight hours ahead.
    expect(web4.mean[15]!).toBeGreaterThan(0.88);

    const { alerts: open } = await listAlerts(db, { monitor: 'default/disk', limit: 10, offset: 0 });
    expect(open).toHaveLength(1);
    const alert = open[0]!;
    expect(alert).toMatchObject({ kind: 'forecast_threshold', state: 'firing', severity: 'warning' });
    expect(alert.labels).toMatchObject({ 'host.name': 'web-4', threshold: '0.9', direction: 'above', __name__: DISK });
    expect(alert.summary).toMatch(/^system\.filesystem\.utilization on web-4 reaches 0\.9 in \d+h( \d+m)? \(at /);
    const explanation = alert.explanation as Record<string, unknown>;
    const crossesIn = explanation.crossesInSeconds as number;
    // The upper band edge crosses first: before the mean's ~8 h, and well within the day.
    expect(crossesIn).toBeGreaterThan(HOUR / 1000);
    expect(crossesIn).toBeLessThan(10 * 3600);
    expect(explanation).toMatchObject({ threshold: 0.9, direction: 'above', estimate: 'band', model: web4.model });
  });

  it('is safe to rerun: the forecast is replaced and the alert is the same episode', async () => {
    const before = await listAlerts(db, { monitor: 'default/disk', limit: 10, offset: 0 });
    const report = await runForecastJob({ db, alerts, monitor: diskMonitor, now });
    expect(report).toMatchObject({ forecast: 4, raised: 1, firing: 1 });
    const after = await listAlerts(db, { monitor: 'default/disk', limit: 10, offset: 0 });
    expect(after.total).toBe(1);
    expect(after.alerts[0]!.id).toBe(before.alerts[0]!.id);
    expect((await readForecasts(db, { seriesIds: ids })).size).toBe(4);
  });

  it('resolves the alert when the threshold is no longer predicted within the horizon', async () => {
    const calmer = monitor('disk', {
      ...diskMonitor.spec,
      forecast: { ...diskMonitor.spec.forecast, horizon: '1h' },
    });
    // A later evaluation (the AlertService ignores one at a time it has already seen).
    const later = now + MINUTE;
    const report = await runForecastJob({ db, alerts, monitor: calmer, now: later });
    expect(report.resolved).toBe(1);
    expect(report.firing).toBe(0);
    const history = await listAlerts(db, { monitor: 'default/disk', states: ['resolved'], limit: 10, offset: 0 });
    expect(history.alerts[0]!.resolvedAt).toBe(later);
  });

  it('hands pages larger than the inline limit to the runner', async () => {
    let batches = 0;
    const runner: ForecastRunner = (tasks, signal) => {
      batches += 1;
      expect(tasks).toHaveLength(4);
      return runInline(tasks, signal);
    };
    const report = await runForecastJob({ db, alerts, monitor: diskMonitor, now, runner, inlineMaxSeries: 2 });
    expect(batches).toBe(1);
    expect(report.forecast).toBe(4);
  });

  it('splits the series across shards: disjoint, and together all of them', async () => {
    const seen: number[] = [];
    for (let index = 0; index < 3; index++) {
      const r = await runForecastJob({
        db,
        alerts,
        monitor: diskMonitor,
        now,
        shard: { index, count: 3 },
        pageSize: 2,
      });
      seen.push(r.series);
      expect(r.forecast).toBe(r.series);
    }
    expect(seen.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('prunes forecasts of series it no longer forecasts, once older than the horizon', async () => {
    await writeForecasts(db, [
      {
        ...(await readForecasts(db, { seriesIds: [ids[0] as number] })).get(ids[0] as number)!,
        monitor: 'default/disk',
        seriesId: 9_999_999,
        createdAt: now - 25 * HOUR,
      },
    ]);
    const report = await runForecastJob({ db, alerts, monitor: diskMonitor, now });
    expect(report.pruned).toBe(1);
    expect((await readForecasts(db, { seriesIds: [9_999_999] })).size).toBe(0);
  });

  it('stores the candidates the automatic choice skipped, with the reason, apart from the model', async () => {
    // 16 points: the earlier holdout window leaves 8 to train on, too few for ARIMA (after differencing) and the
    // ensemble (its minimum length).
    const values = Array.from({ length: 16 }, (_, i) => 10 + (i % 4));
    const result = forecastSeries({ values, periods: [4] }, 4, [0.95]);
    const base = (await readForecasts(db, { seriesIds: [ids[0] as number] })).get(ids[0] as number)!;
    const history = {
      series: { id: 9_999_998, metric: DISK, labels: {} },
      start: now - 16 * HOUR,
      stepMs: HOUR,
      values,
      periods: [4],
      lastTime: now - HOUR,
      lastValue: 13,
      filled: 0,
    } as unknown as Parameters<typeof toStoredForecast>[0];
    const stored = toStoredForecast(history, result, { monitor: 'default/skips', createdAt: now, level: 0.95 });
    expect(stored.skipped).toEqual(
      expect.arrayContaining([
        { model: 'arima', reason: expect.stringMatching(/too few points/) as string },
        { model: 'ensemble', reason: expect.stringMatching(/needs \d+ points to train/) as string },
      ]),
    );
    expect(stored.model).not.toMatch(/needs|failed/);
    await writeForecasts(db, [{ ...stored, thresholds: base.thresholds }]);
    const back = (await readForecasts(db, { seriesIds: [9_999_998], monitor: 'default/skips' })).get(9_999_998)!;
    expect(back.skipped).toEqual(stored.skipped);
  });

  it('keeps the forecast and its interval in the range the metric can take (utilization, counter rate)', () => {
    // a utilization climbing towards 1 with noise: the fitted trend and its interval would run past 1 (and the
    // lower edge of a falling counter rate below 0) without the metric's range
    const values = Array.from({ length: 96 }, (_, i) => Math.min(0.99, 0.5 + i * 0.006 + 0.05 * Math.sin(i)));
    const result = forecastSeries({ values, periods: [24] }, 48, [0.95]);
    const historyOf = (series: object, v: number[]) =>
      ({
        series: { id: 1, labels: {}, temporality: 'unspecified', ...series },
        start: now - v.length * HOUR,
        stepMs: HOUR,
        values: v,
        periods: [24],
        lastTime: now - HOUR,
        lastValue: v.at(-1),
        filled: 0,
      }) as unknown as Parameters<typeof toStoredForecast>[0];
    const at = { monitor: 'default/range', createdAt: now, level: 0.95 };
    expect(Math.max(...result.forecast.upper[0]!)).toBeGreaterThan(1);
    const utilization = toStoredForecast(historyOf({ metric: DISK, kind: 'gauge', unit: '1' }, values), result, at);
    const numbers = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
    for (const xs of [utilization.mean, utilization.lower, utilization.upper]) {
      expect(numbers(xs)).toHaveLength(48);
      expect(Math.max(...numbers(xs))).toBeLessThanOrEqual(1);
      expect(Math.min(...numbers(xs))).toBeGreaterThanOrEqual(0);
    }
    const falling = values.map((v) => 1 - v);
    const rate = toStoredForecast(
      historyOf({ metric: 'requests', kind: 'sum', unit: '{request}', monotonic: true }, falling),
      forecastSeries({ values: falling, periods: [24] }, 48, [0.95]),
      at,
    );
    expect(Math.min(...numbers(rate.lower))).toBeGreaterThanOrEqual(0);
    // a metric without a known range keeps what the model said
    const free = toStoredForecast(historyOf({ metric: 'temperature', kind: 'gauge', unit: 'Cel' }, values), result, at);
    expect(free.upper).toEqual(result.forecast.upper[0]);
  });

  it('refuses a monitor whose forecasting is disabled, naming the field', async () => {
    const off = monitor('off', { selector: { metric: DISK } });
    await expect(runForecastJob({ db, alerts, monitor: off, now })).rejects.toThrow(/spec\.forecast\.enabled/);
  });
});
