/**
 * What `hydra up` must show: the demo's filling disk (web-4, which climbs from
 * 62 % to full every day and is cleaned up at night) gets a stored forecast
 * and a "reaches 0.9 in …" alert before it fills. The demo history is seeded
 * through the same Ingestor `hydra up` uses, and the forecast job is driven
 * directly at a chosen moment of the day instead of waiting real hours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, listAlerts, migrate, readForecasts, findSeries } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { AlertService, runForecastJob, type MonitorRef } from '@hydra/analysis';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { seedDemoHistory } from '../src/demo/seed-history.ts';
import { DEMO_HOSTS, DEMO_METRICS } from '../src/demo/hosts.ts';
import { createPipeline } from '../src/runtime/pipeline.ts';
import { findMonitor, loadMonitors } from '../src/monitors.ts';
import { REPO_ROOT } from './helpers.ts';

const HOUR = 3_600_000;
const web4 = DEMO_HOSTS.find((h) => h.name === 'web-4')!;
/** A moment when web-4's disk is 10 hours into its daily fill (about 0.80), hours before it reaches 0.9. */
const hourInCycle = 10;
const NOW = (() => {
  const day = Date.UTC(2026, 10, 20);
  // hourInCycle = (hour + phaseHours) mod cycleHours
  const hour = (((hourInCycle - web4.disk.phaseHours) % web4.disk.cycleHours) + web4.disk.cycleHours) % 24;
  return day + hour * HOUR + 7 * 60_000;
})();
/** When the demo's signal itself reaches 0.9 and when it is full. */
const fillRate = (web4.disk.high - web4.disk.low) / web4.disk.fillHours;
const REACHES_90 = NOW - 7 * 60_000 + ((0.9 - web4.disk.low) / fillRate - hourInCycle) * HOUR;
const FULL_AT = NOW - 7 * 60_000 + (web4.disk.fillHours - hourInCycle) * HOUR;

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes
describe.each(testBackends({ timescaledb: false }))('the demo disk forecast on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let alerts: AlertService;
  /** The demo's disk monitor as `hydra up` runs it: demo-disk of hydra.yaml (90 % warning, 95 % critical, 12 h). */
  let monitor: MonitorRef;

  beforeAll(async () => {
    monitor = findMonitor(await loadMonitors(path.join(REPO_ROOT, 'hydra.yaml')), 'demo-disk');
    test = await openTestDatabase(backend);
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    const pipeline = createPipeline(db, loadConfig({ HYDRA_RETENTION_DAYS: '3650' }));
    try {
      await seedDemoHistory(pipeline.ingestor, { days: 3, toMs: NOW });
    } finally {
      await pipeline.shutdown(10_000);
    }
    alerts = new AlertService({ db, clock: () => NOW });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('forecasts every disk and alerts on web-4 before it fills', async () => {
    const report = await runForecastJob({ db, alerts, monitor, now: NOW });
    expect(report).toMatchObject({ series: 4, forecast: 4, skipped: 0, failed: 0, raised: 2, firing: 2 });

    const disks = await findSeries(db, { name: DEMO_METRICS.disk.name, matchers: [] });
    const stored = await readForecasts(db, { seriesIds: disks.map((s) => s.id), monitor: monitor.key });
    expect(stored.size).toBe(4);

    const { alerts: open } = await listAlerts(db, { monitor: monitor.key, limit: 10, offset: 0 });
    expect(open.map((a) => [a.labels['host.name'], a.labels.threshold, a.severity]).sort()).toEqual([
      ['web-4', '0.9', 'warning'],
      ['web-4', '0.95', 'critical'],
    ]);
    const alert = open.find((a) => a.labels.threshold === '0.9')!;
    expect(alert.labels['host.name']).toBe('web-4');
    expect(alert).toMatchObject({ kind: 'forecast_threshold', state: 'firing' });
    expect(alert.summary).toMatch(/^system\.filesystem\.utilization on web-4 reaches 0\.9 in \d+h/);
    const crossingAt = Date.parse((alert.explanation as { crossingAt: string }).crossingAt);
    // Before it fills, and not absurdly early: within two hours before the signal's own crossing of 0.9.
    expect(crossingAt).toBeGreaterThan(NOW);
    expect(crossingAt).toBeLessThan(FULL_AT);
    expect(Math.abs(crossingAt - REACHES_90)).toBeLessThan(2 * HOUR);
    // The critical alert acts on the mean forecast: 95 % is reached after 90 % and before the disk is full.
    const critical = open.find((a) => a.labels.threshold === '0.95')!;
    const meanAt = Date.parse((critical.explanation as { crossingAt: string }).crossingAt);
    expect(meanAt).toBeGreaterThan(crossingAt);
    expect(meanAt).toBeLessThan(FULL_AT);
    expect(critical.summary).toMatch(/reaches 0\.95 in \d+h.*mean forecast/);
  });
});
