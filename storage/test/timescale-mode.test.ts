/**
 * TimescaleDB mode on a real TimescaleDB (2.23 in PGlite, the 'timescaledb'
 * test backend): the schema its users expect (hypertables, compression
 * segmented by series, retention, continuous aggregates with real-time
 * aggregation), what Maintenance does there (retention days, backfill
 * refreshes, chunk intervals sized for the ingest rate), and points arriving
 * late into compressed chunks. TimescaleDB's background workers do not run in
 * PGlite: the tests run the policies' jobs themselves (`CALL run_job`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, chunkIntervalHours, Maintenance, queryRange, SeriesRegistry } from '@hydra/storage';

import { gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MB = 1024 * 1024;

describe('chunkIntervalHours', () => {
  it('gives the longest interval on the ladder whose chunks fit in the target, 1 h at least', () => {
    // 10,000 series every 10 s at ~100 bytes a row with its index entry: 100 kB/s
    expect(chunkIntervalHours(100_000, 1024 * MB)).toBe(2); // 720 MB in 2 h; 3 h would be 1 GB
    expect(chunkIntervalHours(100_000, 8 * 1024 * MB)).toBe(12);
    expect(chunkIntervalHours(100, 128 * MB)).toBe(24); // a small deployment: day chunks, as plain mode's partitions
    expect(chunkIntervalHours(10 * MB, 128 * MB)).toBe(1);
    expect(() => chunkIntervalHours(1, 0)).toThrow(/targetBytes must be positive/);
  });
});

describe.each(['timescaledb'] as const)('TimescaleDB mode on %s', (backend) => {
  let m: MigratedDatabase;
  let ids: number[];
  beforeAll(async () => {
    m = await openMigrated(backend);
    ids = (await new SeriesRegistry(m.db).resolve(
      Array.from({ length: 3 }, (_, i) => ref(gauge('ts.m'), { i: String(i) })),
    )) as number[];
  });
  afterAll(async () => m?.close());

  async function jobs(proc: string): Promise<Array<{ job_id: number; hypertable_name: string; config: unknown }>> {
    const res = await m.db.pool.query<{ job_id: number; hypertable_name: string; config: unknown }>(
      `SELECT job_id, hypertable_name::text, config FROM timescaledb_information.jobs
       WHERE proc_name = $1 ORDER BY hypertable_name`,
      [proc],
    );
    return res.rows;
  }

  it('keeps points in hypertables compressed per series, rolled up by real-time continuous aggregates', async () => {
    const hypertables = await m.db.pool.query<{ name: string; segmentby: string; orderby: string }>(
      `SELECT hypertable::text AS name, segmentby, orderby FROM timescaledb_information.hypertable_compression_settings
       WHERE hypertable::text IN ('samples', 'histogram_samples', 'exp_histogram_samples') ORDER BY 1`,
    );
    expect(hypertables.rows).toEqual(
      ['exp_histogram_samples', 'histogram_samples', 'samples'].map((name) => ({
        name,
        segmentby: 'series_id',
        orderby: '"time" DESC',
      })),
    );
    expect((await jobs('policy_compression')).map((j) => [j.hypertable_name, j.config])).toEqual(
      expect.arrayContaining(
        ['samples', 'histogram_samples', 'exp_histogram_samples'].map((t) => [
          t,
          expect.objectContaining({ compress_after: '02:00:00' }),
        ]),
      ),
    );
    const caggs = await m.db.pool.query<{ view_name: string; materialized_only: boolean; compressed: boolean }>(
      `SELECT view_name::text, materialized_only, compression_enabled AS compressed
       FROM timescaledb_information.continuous_aggregates ORDER BY 1`,
    );
    expect(caggs.rows).toEqual([
      { view_name: 'samples_1h', materialized_only: false, compressed: true },
      { view_name: 'samples_1m', materialized_only: false, compressed: true },
      { view_name: 'samples_5m', materialized_only: false, compressed: true },
    ]);
    // the aggregates' compression waits until their refresh policies no longer rewrite the chunk
    expect((await jobs('policy_compression')).map((j) => [j.hypertable_name, j.config])).toEqual(
      expect.arrayContaining([
        ['samples_1m', expect.objectContaining({ compress_after: '03:00:00' })],
        ['samples_1h', expect.objectContaining({ compress_after: '7 days' })],
        ['samples_5m', expect.objectContaining({ compress_after: '04:00:00' })],
      ]),
    );
    // the 1m and 5m materialisations in one-day chunks (0008, 0026), the 1h one in TimescaleDB's default of ten source chunks
    const intervals = await m.db.pool.query<{ view_name: string; time_interval: string }>(
      `SELECT a.view_name::text, d.time_interval::text FROM timescaledb_information.continuous_aggregates a
       JOIN timescaledb_information.dimensions d ON d.hypertable_schema = a.materialization_hypertable_schema
        AND d.hypertable_name = a.materialization_hypertable_name ORDER BY 1`,
    );
    expect(intervals.rows).toEqual([
      { view_name: 'samples_1h', time_interval: '10 days' },
      { view_name: 'samples_1m', time_interval: '1 day' },
      { view_name: 'samples_5m', time_interval: '1 day' },
    ]);
    expect((await jobs('policy_refresh_continuous_aggregate')).map((j) => j.hypertable_name)).toEqual([
      'samples_1h',
      'samples_1m',
      'samples_5m',
    ]);
  });

  it('applies the configured retention, and its job drops whole chunks past it', async () => {
    const now = Date.now();
    const writer = new BatchWriter(m.db);
    writer.start();
    const at = (daysAgo: number) => ({ seriesId: ids[0]!, timeUs: (now - daysAgo * DAY_MS) * 1000, value: daysAgo });
    await writer.write({ samples: [at(20), at(12), at(5)], histograms: [], expHistograms: [] });
    await writer.shutdown();
    await new Maintenance(m.db, { retentionDays: 10, rollupRetentionDays: 100 }).runOnce();
    const retention = await jobs('policy_retention');
    const dropAfter = Object.fromEntries(
      retention.map((j) => [j.hypertable_name, (j.config as { drop_after: string }).drop_after]),
    );
    expect(dropAfter).toMatchObject({
      samples: '10 days',
      histogram_samples: '10 days',
      exp_histogram_samples: '10 days',
      samples_1m: '10 days',
      samples_5m: '10 days',
      samples_1h: '100 days',
    });
    for (const job of retention.filter((j) => j.hypertable_name === 'samples'))
      await m.db.pool.query('CALL run_job($1)', [job.job_id]);
    const left = await m.db.pool.query<{ value: number }>(
      'SELECT value FROM samples WHERE series_id = $1 ORDER BY value',
      [ids[0]],
    );
    expect(left.rows.map((r) => r.value)).toEqual([5]);
  });

  it('stores late points into compressed chunks, once, and the rollups include them', async () => {
    const hourStart = Math.floor((Date.now() - 30 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    const id = ids[1]!;
    const points = Array.from({ length: 360 }, (_, k) => ({
      seriesId: id,
      timeUs: (hourStart + k * 10_000) * 1000,
      value: k,
    }));
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({ samples: points, histograms: [], expHistograms: [] });
    await new Maintenance(m.db).runOnce(); // materialises the recorded range
    // the compression policies' jobs, on the points and on the aggregates (a backfill refresh then writes into
    // compressed aggregate chunks)
    for (const job of (await jobs('policy_compression')).filter((j) => j.hypertable_name.startsWith('samples')))
      await m.db.pool.query('CALL run_job($1)', [job.job_id]);
    const chunkOf = async (timeMs: number) =>
      (
        await m.db.pool.query<{ is_compressed: boolean }>(
          `SELECT is_compressed FROM timescaledb_information.chunks
           WHERE hypertable_name = 'samples' AND range_start <= $1 AND range_end > $1`,
          [new Date(timeMs).toISOString()],
        )
      ).rows[0]?.is_compressed;
    expect(await chunkOf(hourStart)).toBe(true);

    // a late point between two stored ones, and an exporter's retry of a stored one with another value
    const late = { seriesId: id, timeUs: (hourStart + 5_000) * 1000, value: 1_000 };
    const retry = { seriesId: id, timeUs: hourStart * 1000, value: -1 };
    await writer.write({ samples: [late, retry], histograms: [], expHistograms: [] });
    await writer.write({ samples: [late], histograms: [], expHistograms: [] }); // the late point's own retry
    await writer.shutdown();
    const stored = await m.db.pool.query<{ value: number }>(
      'SELECT value FROM samples WHERE series_id = $1 AND time < $2 ORDER BY time',
      [id, new Date(hourStart + 20_000).toISOString()],
    );
    expect(stored.rows.map((r) => r.value)).toEqual([0, 1_000, 1]); // first write wins, the late point once
    const count = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM samples WHERE series_id = $1', [
      id,
    ]);
    expect(count.rows[0]!.n).toBe(361);

    // the rollups were materialised before the late point: Maintenance refreshes the range the writer recorded
    await new Maintenance(m.db).runOnce();
    const window = { name: 'ts.m', matchers: [{ name: 'i', op: '=' as const, value: '1' }] };
    const hour = await queryRange(m.db, {
      ...window,
      from: new Date(hourStart),
      to: new Date(hourStart + HOUR_MS - 1),
      stepSeconds: 3600,
      aggregation: 'max',
    });
    expect(hour.series[0]!.points).toEqual([[hourStart, 1_000]]);
    const minute = await queryRange(m.db, {
      ...window,
      from: new Date(hourStart),
      to: new Date(hourStart + 60_000 - 1),
      stepSeconds: 60,
      aggregation: 'count',
    });
    expect(minute.series[0]!.points).toEqual([[hourStart, 7]]);
  });

  it('sizes the interval of new chunks for the ingest rate', async () => {
    // the chunk holding `now` (a day no other test writes to) has grown by what is written below over the 12 h
    // since it started
    const now = Math.floor(Date.now() / DAY_MS) * DAY_MS - 3 * DAY_MS + 12 * HOUR_MS;
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({
      samples: Array.from({ length: 2_000 }, (_, k) => ({
        seriesId: ids[2]!,
        timeUs: (now - 12 * HOUR_MS + k * 10_000) * 1000,
        value: k,
      })),
      histograms: [],
      expHistograms: [],
    });
    await writer.shutdown();
    const interval = async () =>
      (
        await m.db.pool.query<{ hours: number }>(
          `SELECT extract(epoch FROM time_interval)::float8 / 3600 AS hours FROM timescaledb_information.dimensions
           WHERE hypertable_name = $1`,
          ['samples'],
        )
      ).rows[0]!.hours;
    expect(await interval()).toBe(24);
    // shared_buffers (128 MB here) holds a day of this rate: nothing to change
    expect((await new Maintenance(m.db, { now: () => now }).runOnce()).chunkIntervalHours).toBeNull();
    // a memory budget a few kilobytes large calls for the shortest chunks, for every point hypertable
    const small = new Maintenance(m.db, { now: () => now, chunkTargetBytes: 4096 });
    expect((await small.runOnce()).chunkIntervalHours).toBe(1);
    expect(await interval()).toBe(1);
    const all = await m.db.pool.query<{ hours: number }>(
      `SELECT DISTINCT extract(epoch FROM time_interval)::float8 / 3600 AS hours FROM timescaledb_information.dimensions
       WHERE hypertable_name IN ('samples', 'histogram_samples', 'exp_histogram_samples')`,
    );
    expect(all.rows).toEqual([{ hours: 1 }]);
    expect((await small.runOnce()).chunkIntervalHours).toBeNull(); // applied once
  });
});
