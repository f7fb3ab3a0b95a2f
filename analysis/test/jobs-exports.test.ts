/**
 * What the jobs leave for the exports: the forecast job stores each threshold's
 * crossing time with the forecast (the filling disk crosses within the horizon,
 * the steady one does not), and every anomaly and forecast pass records
 * `hydra.jobs.duration.seconds` with kind, monitor, monitor_namespace and outcome on
 * the global meter — success and error alike — and counts the series it forecast.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BatchWriter, Database, migrate, readForecasts, SeriesRegistry, type SamplePoint } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService, NotificationDispatcher } from '../src/alerts/index.ts';
import { runAnomalyJob } from '../src/jobs/anomaly.ts';
import { runForecastJob } from '../src/jobs/forecast.ts';
import { JOB_DURATION_METRIC } from '../src/jobs/duration.ts';
import type { MonitorRef } from '../src/jobs/monitor.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 16, 0, 0, 0);
const HISTORY_MINUTES = 2 * 24 * 60;
const NOW = START + HISTORY_MINUTES * MINUTE + 5 * MINUTE;
const DISK = 'system.filesystem.utilization';

/** Collects on demand, the way the Prometheus exporter does on a scrape. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const monitor = (namespace: string, name: string, spec: unknown): MonitorRef => ({
  key: `${namespace}/${name}`,
  name,
  namespace,
  spec: parseMonitorSpec(spec),
});

const diskMonitor = monitor('ops', 'disk', {
  selector: { metric: DISK },
  anomaly: { enabled: false },
  forecast: {
    enabled: true,
    horizon: '24h',
    lookback: '3d',
    thresholds: [
      { value: 0.9, direction: 'above', severity: 'warning' },
      { value: 0.2, direction: 'above', severity: 'info' },
    ],
  },
});

describe.each(testBackends())('jobs for the exports on %s', (backend) => {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  let test: TestDatabase;
  let db: Database;
  let alerts: AlertService;
  let ids: number[];

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(provider);
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    alerts = new AlertService({ db, clock: () => NOW });
    const resolved = await new SeriesRegistry(db).resolve(
      ['filling', 'steady'].map((host) => ({
        metric: {
          name: DISK,
          kind: 'gauge' as const,
          unit: '1',
          temporality: 'unspecified' as const,
          monotonic: false,
        },
        labels: { 'host.name': host },
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
      const timeUs = (START + i * MINUTE) * 1000;
      const wiggle = 0.001 * Math.sin(i * 12.9898);
      // filling: 0.5 → 0.8 over two days (0.15 a day): 0.9 is 16 h ahead; steady: 0.3 (already above 0.2)
      samples.push({ seriesId: ids[0]!, timeUs, value: 0.5 + (0.15 * i) / 1440 + wiggle });
      samples.push({ seriesId: ids[1]!, timeUs, value: 0.3 + wiggle });
    }
    await writer.write({ samples, histograms: [], expHistograms: [] });
    await writer.shutdown();
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
    await provider.shutdown();
    metrics.disable();
  });

  it('stores the crossing time of each threshold with the forecast', async () => {
    const report = await runForecastJob({ db, alerts, monitor: diskMonitor, now: NOW });
    expect(report.forecast).toBe(2);
    const stored = await readForecasts(db, { seriesIds: ids, monitor: diskMonitor.key });
    const filling = stored.get(ids[0]!)!.thresholds!;
    const steady = stored.get(ids[1]!)!.thresholds!;
    expect(filling.map((t) => [t.value, t.direction, t.severity])).toEqual([
      [0.9, 'above', 'warning'],
      [0.2, 'above', 'info'],
    ]);
    const at = filling[0]!.crossesAt!;
    // 0.1 to go at 0.15 a day: about 16 h after the last point
    expect((at - NOW) / 3_600_000).toBeGreaterThan(12);
    expect((at - NOW) / 3_600_000).toBeLessThan(20);
    // both are past 0.2 already: they cross at their last observed time (0 s to go)
    expect(filling[1]!.crossesAt).toBe(stored.get(ids[0]!)!.lastObservedTime);
    expect(steady[1]!.crossesAt).toBe(stored.get(ids[1]!)!.lastObservedTime);
    // the steady disk never reaches 0.9
    expect(steady[0]!.crossesAt).toBeNull();
  });

  it('records hydra.jobs.duration.seconds for successful and failed passes', async () => {
    await runForecastJob({ db, alerts, monitor: diskMonitor, now: NOW });
    // the disk monitor has no anomaly detection: the pass fails at once
    await expect(runAnomalyJob({ db, alerts, monitor: diskMonitor, now: NOW })).rejects.toThrow(/anomaly.enabled/);
    const { resourceMetrics } = await reader.collect();
    const durations = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === JOB_DURATION_METRIC);
    expect(durations).toHaveLength(1);
    const points = durations[0]!.dataPoints as Array<DataPoint<Histogram>>;
    const of = (kind: string, outcome: string) =>
      points.find((p) => p.attributes.kind === kind && p.attributes.outcome === outcome);
    expect(of('forecast', 'success')?.attributes).toEqual({
      kind: 'forecast',
      monitor: 'disk',
      monitor_namespace: 'ops',
      outcome: 'success',
    });
    expect(of('forecast', 'success')!.value.count).toBeGreaterThanOrEqual(1);
    expect(of('forecast', 'success')!.value.sum).toBeGreaterThan(0);
    expect(of('anomaly', 'failure')!.value.count).toBe(1);
  });

  // Regression: the counters were made when forecast.ts was loaded, before the `hydra` command installed the
  // global MeterProvider (as this file does in beforeAll), so hydra_forecast_series_total was never exported.
  it('counts forecast series on the meter provider installed after the job module was loaded', async () => {
    const { resourceMetrics } = await reader.collect();
    const series = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'hydra.forecast.series');
    const forecast = (series?.dataPoints ?? []).find(
      (p) =>
        p.attributes.outcome === 'forecast' &&
        p.attributes.monitor === diskMonitor.name &&
        p.attributes.monitor_namespace === diskMonitor.namespace,
    );
    expect(forecast?.value).toBeGreaterThanOrEqual(2);
    // the same labels as every other family: the bare name and its namespace, never the `namespace/name` key
    expect((series?.dataPoints ?? []).every((p) => !String(p.attributes.monitor).includes('/'))).toBe(true);
    const thresholds = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'hydra.forecast.threshold_alerts');
    expect(thresholds?.dataPoints.length).toBeGreaterThan(0);
    for (const p of thresholds?.dataPoints ?? [])
      expect(p.attributes).toMatchObject({ monitor: 'disk', monitor_namespace: 'ops' });
  });

  it('counts firing alerts by monitor name and namespace (hydra_alerts_firing)', async () => {
    await db.pool.query(
      `INSERT INTO alert (fingerprint, kind, monitor, severity, state, labels, summary, explanation, started_at,
         last_evaluated_at) VALUES ('fp-firing-test', 'anomaly', 'ops/disk', 'warning', 'firing', '{}', 's', '{}',
         now(), now())`,
    );
    const dispatcher = new NotificationDispatcher({ db, alerts });
    await dispatcher.runOnce();
    await dispatcher.shutdown();
    const { resourceMetrics } = await reader.collect();
    const firing = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'hydra.alerts.firing');
    const points = (firing?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
    // the forecast passes above raised firing threshold alerts of ops/disk too
    const { count } = (
      await db.pool.query<{ count: string }>(
        "SELECT count(*) FROM alert WHERE monitor = 'ops/disk' AND state = 'firing'",
      )
    ).rows[0]!;
    expect(points).toContainEqual({
      attributes: { monitor: 'disk', monitor_namespace: 'ops' },
      value: Number(count),
    });
    expect(points.every((p) => !String(p.attributes.monitor).includes('/'))).toBe(true);
  });
});
