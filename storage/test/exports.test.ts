/**
 * The analysis export's reads (storage/src/exports) at every cut: each family returns its first `limit` rows in its
 * order and counts exactly what the cut left out (LIMIT limit + 1, then a count only when the cut is hit), the
 * filters' indexes of migration 0023 exist, and a read that waits longer than its statement timeout fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activeAlertCounts,
  analysisLastRuns,
  forecastsAtHorizons,
  latestAnomalies,
  saveCheckpoint,
  ScorePartitions,
  SeriesRegistry,
  thresholdCountdowns,
  writeForecasts,
  writeScores,
  type StoredForecast,
} from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const SERIES = 7;

describe.each(testBackends())('export reads on %s', (backend) => {
  // declared on PostgreSQL only (not skipped on PGlite): what they test does not exist in an embedded database
  const postgresOnly: typeof it = backend === 'postgres' ? it : ((() => undefined) as unknown as typeof it);
  let m: MigratedDatabase;

  beforeAll(async () => {
    m = await openMigrated(backend);
    const ids = (await new SeriesRegistry(m.db).resolve(
      Array.from({ length: SERIES }, (_, i) => ref(gauge('cpu'), { 'host.name': `h${i}` })),
    )) as number[];
    const last = NOW - 2 * MINUTE;
    await new ScorePartitions(m.db).ensureFor([last]);
    for (const [i, id] of ids.entries()) {
      await writeScores(m.db, 'ns/mon', [
        { seriesId: id, time: last, value: i, score: i / 10, expected: 0, lower: 0, upper: 1 },
      ]);
      await saveCheckpoint(m.db, 'ns/mon', id, last);
    }
    const forecast = (seriesId: number, i: number): StoredForecast => ({
      monitor: 'ns/mon',
      seriesId,
      createdAt: NOW - 10 * MINUTE,
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
      mean: Array.from({ length: 73 }, (_, k) => k + i),
      lower: Array.from({ length: 73 }, (_, k) => k + i - 1),
      upper: Array.from({ length: 73 }, (_, k) => k + i + 1),
      thresholds: [
        { value: 50, direction: 'above', severity: 'warning', crossesAt: NOW + (i + 1) * HOUR },
        { value: 90, direction: 'above', severity: 'critical', crossesAt: NOW + (i + 10) * HOUR },
      ],
    });
    await writeForecasts(
      m.db,
      ids.map((id, i) => forecast(id, i)),
    );
    for (let i = 0; i < 5; i++) {
      await m.db.pool.query(
        `INSERT INTO alert (fingerprint, kind, monitor, severity, state, labels, summary, explanation, started_at,
           last_evaluated_at) VALUES ($1, 'anomaly', $2, 'warning', 'firing', '{}', 's', '{}', now(), now())`,
        [`fp-${i}`, `ns/m${i % 3}`],
      );
    }
  });
  afterAll(async () => {
    await m?.close();
  });

  const window = (limit: number) => ({ nowMs: NOW, maxAgeMs: HOUR, limit });

  it('returns the first rows of each family in its order and counts exactly what the cut left out', async () => {
    const horizonsMs = [HOUR, 6 * HOUR, 24 * HOUR]; // 24 h is past the forecasts' 12 h: 2 rows per forecast
    const all = {
      anomalies: await latestAnomalies(m.db, window(1000)),
      forecasts: await forecastsAtHorizons(m.db, { ...window(1000), horizonsMs }),
      crossings: await thresholdCountdowns(m.db, window(1000)),
      alerts: await activeAlertCounts(m.db, 1000),
      runs: await analysisLastRuns(m.db, { ...window(1000), maxAgeMs: 24 * HOUR }),
    };
    expect(all.anomalies.rows).toHaveLength(SERIES);
    expect(all.forecasts.rows).toHaveLength(2 * SERIES);
    expect(all.crossings.rows).toHaveLength(2 * SERIES);
    expect(all.alerts.rows.map((r) => [r.monitor, r.count])).toEqual([
      ['ns/m0', 2],
      ['ns/m1', 2],
      ['ns/m2', 1],
    ]);
    expect(all.runs.rows.map((r) => r.kind).sort()).toEqual(['anomaly', 'forecast']);
    for (const r of Object.values(all)) expect(r.dropped).toBe(0);
    // highest score first; soonest crossing first; interpolation at 1 h (point 6.5) of forecast i is 6.5 + i
    expect(all.anomalies.rows.map((r) => r.score)).toEqual([0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0]);
    expect(all.forecasts.rows[0]).toMatchObject({ horizonMs: HOUR, mean: 6.5, lower: 5.5, upper: 7.5 });
    expect(all.forecasts.rows[1]).toMatchObject({ horizonMs: 6 * HOUR, mean: 36.5 });
    expect(all.crossings.rows.map((r) => r.crossesAt)).toEqual([...all.crossings.rows.map((r) => r.crossesAt)].sort());

    for (const limit of [0, 1, 2, 3, 6, 7, 13, 14, 15]) {
      const cut = {
        anomalies: await latestAnomalies(m.db, window(limit)),
        forecasts: await forecastsAtHorizons(m.db, { ...window(limit), horizonsMs }),
        crossings: await thresholdCountdowns(m.db, window(limit)),
        alerts: await activeAlertCounts(m.db, limit),
        runs: await analysisLastRuns(m.db, { ...window(limit), maxAgeMs: 24 * HOUR }),
      };
      for (const family of Object.keys(all) as Array<keyof typeof all>) {
        const whole = all[family].rows;
        expect(cut[family].rows, `${family} at ${limit}`).toEqual(whole.slice(0, limit));
        expect(cut[family].dropped, `${family} dropped at ${limit}`).toBe(Math.max(0, whole.length - limit));
      }
    }
  });

  it('has the indexes of the reads’ filters (migration 0023)', async () => {
    const { rows } = await m.db.pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN
         ('anomaly_checkpoint_last_time', 'anomaly_checkpoint_updated_at', 'forecast_created_at') ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexdef.replace(/ public\./g, ' '))).toEqual([
      'CREATE INDEX anomaly_checkpoint_last_time ON anomaly_checkpoint USING btree (last_time)',
      'CREATE INDEX anomaly_checkpoint_updated_at ON anomaly_checkpoint USING btree (updated_at)',
      'CREATE INDEX forecast_created_at ON forecast USING btree (created_at)',
    ]);
  });

  it('rejects a statement timeout that is not a positive whole number', async () => {
    await expect(latestAnomalies(m.db, { ...window(10), statementTimeoutMs: 0 })).rejects.toThrow(
      /latestAnomalies: statementTimeoutMs must be a positive whole number, got 0/,
    );
  });

  // a second session holding a lock the read waits for: PGlite serves one session at a time
  postgresOnly('fails a read that waits longer than its statement timeout', async () => {
    const blocker = await m.db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE forecast IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      await expect(thresholdCountdowns(m.db, { ...window(10), statementTimeoutMs: 300 })).rejects.toThrow(
        /statement timeout/,
      );
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
  });
});
