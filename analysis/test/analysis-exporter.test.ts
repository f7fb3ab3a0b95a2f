/**
 * The DB-backed analysis exporter on each backend: seeded series, anomaly
 * scores and checkpoints, stored forecasts with thresholds and open alerts are
 * read back from the Prometheus exposition (the real OpenTelemetry SDK and
 * Prometheus serializer), with the contract's names and labels; the cap keeps
 * the highest scores and counts the rest; stale results, horizons past a
 * forecast's end and suppressed crossings are left out; a failing refresh keeps
 * the last snapshot until it is stale and is counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  Database,
  migrate,
  recordJobOutcome,
  saveCheckpoint,
  ScorePartitions,
  SeriesRegistry,
  writeForecasts,
  writeScores,
  type StoredForecast,
} from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import {
  AnalysisExporter,
  AnalysisMetricProducer,
  EXPORT_SHUTDOWN_REFRESH_WAIT_MS,
  FORECAST_STALENESS_GRACE_MS,
  LAST_RUN_MAX_AGE_MS,
  parseHorizons,
  type AnalysisExporterOptions,
} from '../src/exports/index.ts';
import { startTcpProxy } from '../../storage/test/tcp-proxy.ts';
import { captureLogger } from '@hydra/logging/testing';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const CPU = 'system.cpu.utilization';
const DISK = 'system.filesystem.utilization';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition (no escaped quotes in these tests' values). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** An exporter on its own MeterProvider, scraped through the real Prometheus serializer. */
function exporterUnderTest(db: Database, options: Partial<AnalysisExporterOptions> & { clock: { now: number } }) {
  const producer = new AnalysisMetricProducer();
  const reader = new PrometheusExporter({
    preventServerStart: true,
    withoutScopeInfo: true,
    metricProducers: [producer],
  });
  const provider = new MeterProvider({ readers: [reader] });
  const { logger, messages } = captureLogger();
  const exporter = new AnalysisExporter({
    db,
    meter: provider.getMeter('hydra'),
    producer,
    now: () => options.clock.now,
    logger,
    ...options,
  });
  return {
    exporter,
    get warnings() {
      return messages('warn');
    },
    async scrape(): Promise<Sample[]> {
      const { resourceMetrics } = await reader.collect();
      return parseExposition(
        new PrometheusSerializer(undefined, undefined, undefined, undefined, true).serialize(resourceMetrics),
      );
    },
    async stop() {
      await exporter.shutdown();
      await provider.shutdown();
    },
  };
}

const named = (samples: Sample[], name: string) => samples.filter((s) => s.name === name);

describe.each(testBackends())('analysis exporter on %s', (backend) => {
  // declared on PostgreSQL only (not skipped on PGlite): what they test does not exist in an embedded database
  const postgresOnly: typeof it = backend === 'postgres' ? it : ((() => undefined) as unknown as typeof it);
  let test: TestDatabase;
  let db: Database;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    const registry = new SeriesRegistry(db);
    const gauge = (name: string) =>
      ({ name, kind: 'gauge', unit: '1', temporality: 'unspecified', monotonic: false }) as const;
    const series = {
      web1: {
        metric: gauge(CPU),
        labels: { 'host.name': 'web-1', 'service.name': 'shop', job: 'batch', monitor: 'x' },
      },
      web2: { metric: gauge(CPU), labels: { 'host.name': 'web-2', 'service.name': 'shop' } },
      web3: { metric: gauge(CPU), labels: { 'host.name': 'web-3', 'service.name': 'shop' } },
      old: { metric: gauge(CPU), labels: { 'host.name': 'old-1', 'service.name': 'shop' } },
      disk: { metric: gauge(DISK), labels: { 'host.name': 'web-4', 'k8s.namespace.name': 'prod' } },
      staleDisk: { metric: gauge(DISK), labels: { 'host.name': 'web-5' } },
    };
    const resolved = await registry.resolve(Object.values(series));
    Object.keys(series).forEach((k, i) => {
      const id = resolved[i];
      if (typeof id !== 'number') throw new Error(`series ${k} refused: ${JSON.stringify(id)}`);
      ids[k] = id;
    });

    // Anomaly results: the newest point of each series is at its checkpoint; an older point must not be read.
    const last = NOW - 2 * MINUTE;
    const scored: Array<[string, string, number, number]> = [
      // [series, monitor, time, score]
      ['web1', 'shop/demo-cpu', last, 0.9],
      ['web2', 'shop/demo-cpu', last, 0.2],
      ['web3', 'shop/demo-cpu', last, 0.6],
      ['old', 'shop/demo-cpu', NOW - 3 * HOUR, 0.99],
      ['web1', 'plain', last, 0.1],
    ];
    const partitions = new ScorePartitions(db);
    await partitions.ensureFor([last, last - MINUTE, NOW - 3 * HOUR]);
    for (const [key, monitor, time, score] of scored) {
      const seriesId = ids[key]!;
      await writeScores(db, monitor, [
        { seriesId, time: time - MINUTE, value: 1, score: 0.5, expected: 1, lower: 0, upper: 2 },
        { seriesId, time, value: 0.75, score, expected: 0.5, lower: 0.25, upper: 0.625 },
      ]);
      await saveCheckpoint(db, monitor, seriesId, time);
    }

    // A forecast on a 10-minute grid starting 5 minutes ago, 12 h long: mean k at point k.
    const points = 73;
    const forecast = (
      seriesId: number,
      createdAt: number,
      thresholds: StoredForecast['thresholds'],
    ): StoredForecast => ({
      monitor: 'default/demo-disk',
      seriesId,
      createdAt,
      model: 'ets',
      description: 'test',
      holdoutMase: 0.5,
      baselineMase: 0.6,
      fallback: null,
      level: 0.95,
      stepMs: 10 * MINUTE,
      firstTime: NOW - 5 * MINUTE,
      lastObservedTime: NOW - 15 * MINUTE,
      lastValue: 0,
      historyPoints: 100,
      periods: [],
      mean: Array.from({ length: points }, (_, k) => k),
      lower: Array.from({ length: points }, (_, k) => k - 1),
      upper: Array.from({ length: points }, (_, k) => k + 1),
      thresholds,
    });
    await writeForecasts(db, [
      forecast(ids.disk!, NOW - 10 * MINUTE, [
        { value: 50, direction: 'above', severity: 'warning', crossesAt: NOW + 3 * HOUR },
        { value: 0.95, direction: 'above', severity: 'critical', crossesAt: NOW - HOUR },
        { value: 999, direction: 'above', severity: 'critical', crossesAt: null },
      ]),
      forecast(ids.staleDisk!, NOW - 2 * HOUR, [
        { value: 50, direction: 'above', severity: 'warning', crossesAt: NOW + HOUR },
      ]),
    ]);

    // A monitor deleted 25 h before NOW: its checkpoint and forecast stay in the tables (nothing deletes them).
    await saveCheckpoint(db, 'shop/gone', ids.web2!, NOW - 25 * HOUR);
    await db.pool.query(
      `UPDATE anomaly_checkpoint SET updated_at = 'epoch'::timestamptz + $1::float8 * interval '1 millisecond'
       WHERE monitor = 'shop/gone'`,
      [NOW - 25 * HOUR],
    );
    await writeForecasts(db, [{ ...forecast(ids.web2!, NOW - 25 * HOUR, []), monitor: 'shop/gone' }]);

    // Open alerts: two firing warnings and a pending one of demo-cpu, a resolved one that must not count.
    for (const [i, state] of (['firing', 'firing', 'pending', 'resolved'] as const).entries()) {
      await db.pool.query(
        `INSERT INTO alert (fingerprint, kind, monitor, severity, state, labels, summary, explanation, started_at,
           last_evaluated_at) VALUES ($1, 'anomaly', 'shop/demo-cpu', 'warning', $2, '{}', 's', '{}', now(), now())`,
        [`fp-${i}`, state],
      );
    }
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('exports the latest anomaly result of each series with the contract labels', async () => {
    const clock = { now: NOW };
    const t = exporterUnderTest(db, { clock });
    t.exporter.start();
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();

    const scores = named(samples, 'hydra_anomaly_score');
    // the 3 h old result of old-1 is stale (older than the default 1 h)
    expect(scores.map((s) => [s.labels.monitor, s.labels.host_name, s.value]).sort()).toEqual([
      ['demo-cpu', 'web-1', 0.9],
      ['demo-cpu', 'web-2', 0.2],
      ['demo-cpu', 'web-3', 0.6],
      ['plain', 'web-1', 0.1],
    ]);
    const web1 = scores.find((s) => s.labels.host_name === 'web-1' && s.labels.monitor === 'demo-cpu')!;
    expect(web1.labels).toEqual({
      monitor: 'demo-cpu',
      monitor_namespace: 'shop',
      metric: CPU,
      host_name: 'web-1',
      service_name: 'shop',
      exported_job: 'batch',
      exported_monitor: 'x',
    });
    expect(scores.find((s) => s.labels.monitor === 'plain')!.labels.monitor_namespace).toBe('default');
    for (const [name, value] of [
      ['hydra_anomaly_observed', 0.75],
      ['hydra_anomaly_expected', 0.5],
      ['hydra_anomaly_lower', 0.25],
      ['hydra_anomaly_upper', 0.625],
    ] as const) {
      const family = named(samples, name);
      expect(family, name).toHaveLength(4);
      expect(new Set(family.map((s) => s.value)), name).toEqual(new Set([value]));
    }
    expect(named(samples, 'hydra_export_series').find((s) => s.labels.family === 'hydra_anomaly_score')?.value).toBe(4);
    expect(
      named(samples, 'hydra_export_series_dropped').find((s) => s.labels.family === 'hydra_anomaly_score')?.value,
    ).toBe(0);
  });

  it('caps each family at maxSeries, keeping the highest scores, and counts what it dropped', async () => {
    const t = exporterUnderTest(db, { clock: { now: NOW }, maxSeries: 2 });
    t.exporter.start();
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();
    expect(named(samples, 'hydra_anomaly_score').map((s) => s.value)).toEqual(expect.arrayContaining([0.9, 0.6]));
    expect(named(samples, 'hydra_anomaly_score')).toHaveLength(2);
    const dropped = (family: string) =>
      named(samples, 'hydra_export_series_dropped').find((s) => s.labels.family === family)?.value;
    expect(dropped('hydra_anomaly_score')).toBe(2);
    expect(dropped('hydra_anomaly_upper')).toBe(2);
    // one fresh forecast × 2 horizons within its end (24 h is past it): nothing to drop at 2
    expect(named(samples, 'hydra_forecast_value')).toHaveLength(2);
    expect(dropped('hydra_forecast_value')).toBe(0);
    expect(named(samples, 'hydra_export_series').find((s) => s.labels.family === 'hydra_forecast_value')?.value).toBe(
      2,
    );
  });

  it('evaluates forecasts at each horizon (linear interpolation) and leaves out horizons past the end', async () => {
    const t = exporterUnderTest(db, { clock: { now: NOW }, horizons: parseHorizons('1h,6h,24h') });
    t.exporter.start();
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();
    const byHorizon = (name: string) =>
      Object.fromEntries(named(samples, name).map((s) => [s.labels.horizon, s.value]));
    // first point 5 min ago, 10 min apart: now + 1 h is point 6.5, now + 6 h point 36.5; 24 h is past point 72
    expect(byHorizon('hydra_forecast_value')).toEqual({ '1h': 6.5, '6h': 36.5 });
    expect(byHorizon('hydra_forecast_lower')).toEqual({ '1h': 5.5, '6h': 35.5 });
    expect(byHorizon('hydra_forecast_upper')).toEqual({ '1h': 7.5, '6h': 37.5 });
    const value = named(samples, 'hydra_forecast_value')[0]!;
    expect(value.labels).toEqual({
      monitor: 'demo-disk',
      monitor_namespace: 'default',
      metric: DISK,
      horizon: '1h',
      host_name: 'web-4',
      k8s_namespace_name: 'prod',
    });
    // web-5's forecast is 2 h old: stale (1 h + the grace for hourly jobs)
    expect(named(samples, 'hydra_forecast_value').some((s) => s.labels.host_name === 'web-5')).toBe(false);
  });

  it('exports seconds to each crossing, 0 once past, nothing for a threshold that is not crossed', async () => {
    const clock = { now: NOW };
    const t = exporterUnderTest(db, { clock });
    t.exporter.start();
    await t.exporter.refresh();
    const first = named(await t.scrape(), 'hydra_forecast_time_to_threshold_seconds');
    clock.now += 60_000; // the countdown runs between refreshes
    const later = named(await t.scrape(), 'hydra_forecast_time_to_threshold_seconds');
    await t.stop();
    expect(first.map((s) => [s.labels.threshold, s.labels.direction, s.labels.severity, s.value]).sort()).toEqual([
      ['0.95', 'above', 'critical', 0],
      ['50', 'above', 'warning', 3 * 3600],
    ]);
    expect(first[0]!.labels).toMatchObject({ monitor: 'demo-disk', host_name: 'web-4', metric: DISK });
    expect(later.find((s) => s.labels.threshold === '50')?.value).toBe(3 * 3600 - 60);
  });

  it('exports open alerts by monitor, severity and state, and the last run of each monitor job', async () => {
    const t = exporterUnderTest(db, { clock: { now: NOW } });
    t.exporter.start();
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();
    expect(
      named(samples, 'hydra_alerts_active')
        .map((s) => s.labels)
        .sort((a, b) => a.state!.localeCompare(b.state!)),
    ).toEqual([
      { monitor: 'demo-cpu', monitor_namespace: 'shop', severity: 'warning', state: 'firing' },
      { monitor: 'demo-cpu', monitor_namespace: 'shop', severity: 'warning', state: 'pending' },
    ]);
    expect(
      named(samples, 'hydra_alerts_active')
        .map((s) => s.value)
        .sort(),
    ).toEqual([1, 2]);
    const runs = named(samples, 'hydra_analysis_last_run_timestamp_seconds');
    const run = (monitor: string, kind: string) =>
      runs.find((s) => s.labels.monitor === monitor && s.labels.kind === kind)?.value;
    // the forecast job's newest committed forecast of demo-disk was created 10 minutes before NOW
    expect(run('demo-disk', 'forecast')).toBe((NOW - 10 * MINUTE) / 1000);
    // the anomaly checkpoints were written by this test just now (updated_at is the database's clock)
    expect(Math.abs(run('demo-cpu', 'anomaly')! - Date.now() / 1000)).toBeLessThan(600);
    expect(runs.find((s) => s.labels.monitor === 'plain')?.labels.monitor_namespace).toBe('default');
    // the deleted monitor's last runs are more than LAST_RUN_MAX_AGE_MS old: not exported, so its staleness alert
    // resolves instead of firing forever
    expect(runs.filter((s) => s.labels.monitor === 'gone')).toEqual([]);
    expect(25 * HOUR).toBeGreaterThan(LAST_RUN_MAX_AGE_MS);
  });

  it("exports a stopped monitor's last run for a day after it, then no more", async () => {
    // a minute before a day after its last run the deleted monitor is still exported (HydraAnalysisStale fires)
    const clock = { now: NOW - 25 * HOUR + LAST_RUN_MAX_AGE_MS - MINUTE };
    const t = exporterUnderTest(db, { clock });
    t.exporter.start();
    await t.exporter.refresh();
    const before = named(await t.scrape(), 'hydra_analysis_last_run_timestamp_seconds').filter(
      (s) => s.labels.monitor === 'gone',
    );
    clock.now = NOW - 25 * HOUR + LAST_RUN_MAX_AGE_MS + MINUTE;
    await t.exporter.refresh();
    const after = named(await t.scrape(), 'hydra_analysis_last_run_timestamp_seconds').filter(
      (s) => s.labels.monitor === 'gone',
    );
    await t.stop();
    expect(before.map((s) => [s.labels.kind, s.value]).sort()).toEqual([
      ['anomaly', (NOW - 25 * HOUR) / 1000],
      ['forecast', (NOW - 25 * HOUR) / 1000],
    ]);
    expect(after).toEqual([]);
  });

  it('stops exporting a result once it is older than maxAge', async () => {
    const clock = { now: NOW };
    const t = exporterUnderTest(db, { clock, maxAgeMs: 5 * MINUTE });
    t.exporter.start();
    await t.exporter.refresh();
    expect(named(await t.scrape(), 'hydra_anomaly_score')).toHaveLength(4);
    clock.now = NOW + 4 * MINUTE; // the checkpoints (2 min before NOW) are now 6 min old
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();
    expect(named(samples, 'hydra_anomaly_score')).toEqual([]);
    // the forecast (10 min old) is still within 5 min + the grace
    expect(named(samples, 'hydra_forecast_value').length).toBeGreaterThan(0);
    expect(10 * MINUTE).toBeLessThan(5 * MINUTE + FORECAST_STALENESS_GRACE_MS);
  });

  it('exports from one process per database: the lease holder; another takes over when it stops', async () => {
    const clock = { now: NOW };
    const first = exporterUnderTest(db, { clock });
    const otherDb = await Database.connect({ url: test.url, poolSize: 1 });
    const second = exporterUnderTest(otherDb, { clock });
    let firstStopped = false;
    const leader = (samples: Sample[]) => named(samples, 'hydra_export_leader')[0]?.value;
    try {
      first.exporter.start();
      await first.exporter.refresh();
      second.exporter.start();
      await second.exporter.refresh();
      const [a, b] = [await first.scrape(), await second.scrape()];
      expect(leader(a)).toBe(1);
      expect(named(a, 'hydra_anomaly_score')).toHaveLength(4);
      if (db.embedded) {
        // PGlite belongs to one process: there is nobody to share the export with
        expect(leader(b)).toBe(1);
        return;
      }
      expect(leader(b)).toBe(0);
      expect(named(b, 'hydra_anomaly_score')).toEqual([]);
      expect(named(b, 'hydra_export_series').every((s) => s.value === 0)).toBe(true);
      await first.stop(); // closes the lease's connection, which releases the lock
      firstStopped = true;
      await second.exporter.refresh();
      const after = await second.scrape();
      expect(leader(after)).toBe(1);
      expect(named(after, 'hydra_anomaly_score')).toHaveLength(4);
    } finally {
      if (!firstStopped) await first.stop();
      await second.stop();
      await otherDb.close();
    }
  });

  /** A Database whose connections (the lease's too) go through a TCP proxy the test can cut or freeze. */
  async function throughProxy() {
    const target = new URL(test.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const url = new URL(test.url);
    url.port = String(proxy.port);
    const proxied = await Database.connect({ url: url.toString(), poolSize: 1, connectTimeoutMs: 500 });
    return {
      proxy,
      db: proxied,
      async close() {
        await proxy.close();
        await proxied.close();
      },
    };
  }

  // the lease is a PostgreSQL session lock; an embedded database has no other process to share the export with
  postgresOnly(
    'drops the snapshot when the lease cannot be confirmed, so only the replica that took over exports',
    async () => {
      const clock = { now: NOW };
      const net = await throughProxy();
      const first = exporterUnderTest(net.db, { clock, leaseQueryTimeoutMs: 500 });
      const second = exporterUnderTest(db, { clock });
      const leader = (samples: Sample[]) => named(samples, 'hydra_export_leader')[0]?.value;
      try {
        first.exporter.start();
        await first.exporter.refresh();
        expect(leader(await first.scrape())).toBe(1);
        net.proxy.cut(); // the database is unreachable from the first replica: its session, and the lock, are gone
        clock.now = NOW + MINUTE;
        await first.exporter.refresh();
        const cut = await first.scrape();
        expect(first.warnings.join('\n')).toMatch(/cannot confirm the export lease, exporting nothing/);
        expect(named(cut, 'hydra_export_refresh_failures_total')[0]?.value).toBe(1);
        expect(leader(cut)).toBe(0);
        expect(named(cut, 'hydra_anomaly_score')).toEqual([]);
        expect(named(cut, 'hydra_analysis_last_run_timestamp_seconds')).toEqual([]);

        second.exporter.start();
        await second.exporter.refresh();
        const taken = await second.scrape();
        expect(leader(taken)).toBe(1);
        expect(named(taken, 'hydra_anomaly_score')).toHaveLength(4);
      } finally {
        await first.stop();
        await second.stop();
        await net.close();
      }
    },
  );

  postgresOnly('shuts down within its bound while a refresh hangs on a half-open connection', async () => {
    const net = await throughProxy();
    const t = exporterUnderTest(net.db, { clock: { now: NOW } }); // the default 10 s lease query timeout
    try {
      t.exporter.start();
      await t.exporter.refresh();
      net.proxy.freeze(); // nothing answers any more, and nothing closes
      const hung = t.exporter.refresh();
      const started = performance.now();
      await t.stop();
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(EXPORT_SHUTDOWN_REFRESH_WAIT_MS - 50);
      expect(took).toBeLessThan(EXPORT_SHUTDOWN_REFRESH_WAIT_MS + 2_500);
      await net.close(); // the hung query fails now
      await hung;
    } finally {
      await net.close();
    }
  });

  it('keeps the last snapshot when a refresh fails, counts the failure, and drops it once stale', async () => {
    const own = await Database.connect({ url: test.url, poolSize: 1 });
    const clock = { now: NOW };
    const t = exporterUnderTest(own, { clock, maxAgeMs: 10 * MINUTE });
    t.exporter.start();
    await t.exporter.refresh();
    await own.close(); // every later query fails
    clock.now = NOW + MINUTE;
    await t.exporter.refresh();
    let samples = await t.scrape();
    expect(t.warnings.join('\n')).toMatch(/analysis export: refresh failed, keeping the previous snapshot/);
    expect(named(samples, 'hydra_export_refresh_failures_total')[0]?.value).toBe(1);
    expect(named(samples, 'hydra_anomaly_score')).toHaveLength(4);
    clock.now = NOW + 11 * MINUTE; // the snapshot taken at NOW is now older than maxAge
    samples = await t.scrape();
    await t.stop();
    expect(named(samples, 'hydra_anomaly_score')).toEqual([]);
    expect(named(samples, 'hydra_export_series').every((s) => s.value === 0)).toBe(true);
  });

  it('exports the recorded health of each monitor job: last success, consecutive failures, last duration', async () => {
    // three failures after a success of demo-cpu's anomaly job, a forecast job that never succeeded, a deleted
    // monitor whose last pass ended 25 h ago (not exported, like its last run)
    const at = (ms: number) => ({ at: ms, durationSeconds: 0 });
    await recordJobOutcome(db, {
      monitor: 'shop/demo-cpu',
      kind: 'anomaly',
      outcome: 'success',
      ...at(NOW - 4 * MINUTE),
    });
    for (const i of [3, 2, 1])
      await recordJobOutcome(db, {
        monitor: 'shop/demo-cpu',
        kind: 'anomaly',
        outcome: 'failure',
        error: 'database is down',
        ...at(NOW - i * MINUTE),
        durationSeconds: 12.5,
      });
    await recordJobOutcome(db, {
      monitor: 'default/demo-disk',
      kind: 'forecast',
      outcome: 'failure',
      error: 'x',
      at: NOW - MINUTE,
      durationSeconds: 700,
    });
    await recordJobOutcome(db, { monitor: 'shop/gone', kind: 'anomaly', outcome: 'failure', ...at(NOW - 25 * HOUR) });

    const t = exporterUnderTest(db, { clock: { now: NOW } });
    t.exporter.start();
    await t.exporter.refresh();
    const samples = await t.scrape();
    await t.stop();
    const family = (name: string) =>
      named(samples, name)
        .map((s) => [
          s.labels.monitor_namespace,
          s.labels.monitor,
          s.labels.kind,
          s.value,
          Object.keys(s.labels).sort(),
        ])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    const keys = ['kind', 'monitor', 'monitor_namespace'];
    expect(family('hydra_analysis_consecutive_failures')).toEqual([
      ['shop', 'demo-cpu', 'anomaly', 3, keys],
      ['default', 'demo-disk', 'forecast', 1, keys],
    ]);
    expect(family('hydra_analysis_last_duration_seconds')).toEqual([
      ['shop', 'demo-cpu', 'anomaly', 12.5, keys],
      ['default', 'demo-disk', 'forecast', 700, keys],
    ]);
    // a job that never succeeded has no last success (absent, not 0)
    expect(family('hydra_analysis_last_success_timestamp_seconds')).toEqual([
      ['shop', 'demo-cpu', 'anomaly', (NOW - 4 * MINUTE) / 1000, keys],
    ]);
    const exported = (name: string) =>
      named(samples, 'hydra_export_series').find((s) => s.labels.family === name)?.value;
    expect(exported('hydra_analysis_consecutive_failures')).toBe(2);
    expect(exported('hydra_analysis_last_success_timestamp_seconds')).toBe(1);
  });
});

describe('analysis exporter options', () => {
  it('rejects bad settings with the option named', () => {
    const db = {} as Database;
    expect(() => new AnalysisExporter({ db, maxSeries: 0 })).toThrow(/maxSeries must be a whole number/);
    expect(() => new AnalysisExporter({ db, maxAgeMs: 0 })).toThrow(/maxAgeMs must be positive/);
    expect(() => parseHorizons('1h,soon')).toThrow(/'soon' is not a duration/);
    expect(() => parseHorizons('60m,1h')).toThrow(/distinct/);
    expect(parseHorizons(' 1h, 90m ')).toEqual([
      { label: '1h', ms: HOUR },
      { label: '90m', ms: 90 * MINUTE },
    ]);
  });
});
