/**
 * One point per (series_id, time): an exporter that retries a write whose
 * answer it never got must not store its points twice (migration 0006, the
 * writer's staged re-run after unique_violation, ON CONFLICT DO NOTHING on
 * PGlite). First write wins; the skipped rows are counted.
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriter,
  Database,
  Maintenance,
  migrate,
  MIGRATIONS_DIR,
  PartitionManager,
  queryRange,
  refreshRollup,
  ROLLUP_1H,
  ROLLUP_1M,
  SeriesRegistry,
  type ExpHistogramPoint,
  type HistogramPoint,
  type SamplePoint,
  type WriteBatch,
} from '@hydra/storage';
import { openTestDatabase, testBackends } from '@hydra/storage/testing';
import { commitBatch } from '../src/batch-commit.ts';
import { dayOfMicros } from '../src/partitions.ts';
import { gauge, openMigrated, ref, us, useGlobalMeterProvider, type MigratedDatabase } from './helpers.ts';

// storage's self-metrics, read through a real SDK MeterProvider installed globally as the hydra commands do
const reader = useGlobalMeterProvider();

/** Sum of a counter's data points whose attributes include `attrs`. */
function total(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number {
  let sum = 0;
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (Object.entries(attrs).every(([k, v]) => point.attributes[k] === v)) sum += point.value as number;
      }
    }
  }
  return sum;
}

async function counters(): Promise<(name: string, attrs?: Record<string, string>) => number> {
  const rm = (await reader.collect()).resourceMetrics;
  return (name, attrs) => total(rm, name, attrs);
}

function histogram(seriesId: number, timeUs: number, count: number): HistogramPoint {
  return {
    seriesId,
    timeUs,
    startTimeUs: null,
    count,
    sum: count / 2,
    min: null,
    max: null,
    bounds: [1],
    bucketCounts: [count, 0],
  };
}

function expHistogram(seriesId: number, timeUs: number, count: number): ExpHistogramPoint {
  return {
    seriesId,
    timeUs,
    startTimeUs: null,
    count,
    sum: null,
    min: null,
    max: null,
    scale: 1,
    zeroCount: 0,
    zeroThreshold: 0,
    positiveOffset: 0,
    positiveCounts: [count],
    negativeOffset: 0,
    negativeCounts: [],
  };
}

describe.each(testBackends())('one point per (series, time) on %s', (backend) => {
  let m: MigratedDatabase;
  let ids: number[];
  let writer: BatchWriter;
  beforeAll(async () => {
    m = await openMigrated(backend);
    ids = (await new SeriesRegistry(m.db).resolve(
      Array.from({ length: 4 }, (_, i) => ref(gauge('dup.m'), { i: String(i) })),
    )) as number[];
    await new PartitionManager(m.db).ensure([dayOfMicros(us('2026-11-26T00:00:00Z'))]);
    writer = new BatchWriter(m.db);
    writer.start();
  });
  afterAll(async () => {
    await writer?.shutdown();
    await m?.close();
  });

  async function rows(table: string, seriesId: number): Promise<Array<{ t: string; v: number }>> {
    const column = table === 'samples' ? 'value' : 'count::float8';
    const res = await m.db.pool.query<{ t: string; v: number }>(
      `SELECT (extract(epoch FROM time) * 1000000)::int8::text AS t, ${column} AS v FROM ${table}
       WHERE series_id = $1 ORDER BY time`,
      [seriesId],
    );
    return res.rows;
  }

  it('makes the (series_id, time) indexes of the three point tables unique', async () => {
    const res = await m.db.pool.query<{ name: string; unique: boolean; columns: string }>(
      `SELECT c.relname AS name, i.indisunique AS unique, pg_get_indexdef(i.indexrelid) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname IN ('samples_series_time', 'histogram_samples_series_time', 'exp_histogram_samples_series_time')
       ORDER BY 1`,
    );
    expect(res.rows.map((r) => [r.name, r.unique, /\(series_id, "?time"?( DESC)?\)/.test(r.columns)])).toEqual([
      ['exp_histogram_samples_series_time', true, true],
      ['histogram_samples_series_time', true, true],
      ['samples_series_time', true, true],
    ]);
    await expect(
      m.db.pool.query('INSERT INTO samples (time, series_id, value) VALUES ($1, $2, 1), ($1, $2, 2)', [
        '2026-11-26T09:00:00Z',
        ids[3],
      ]),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('stores a batch written twice once, counts the duplicates, and both writes succeed', async () => {
    const t0 = us('2026-11-26T10:00:00Z');
    const batch: WriteBatch = {
      samples: Array.from({ length: 50 }, (_, i) => ({ seriesId: ids[0]!, timeUs: t0 + i * 1_000_000, value: i })),
      histograms: [histogram(ids[0]!, t0, 3), histogram(ids[0]!, t0 + 1, 4)],
      expHistograms: [expHistogram(ids[0]!, t0, 5)],
    };
    const before = await counters();
    await writer.write(batch);
    await writer.write(batch); // the exporter's retry
    const after = await counters();
    const delta = (name: string, table: string) => after(name, { table }) - before(name, { table });
    expect(await rows('samples', ids[0]!)).toHaveLength(50);
    expect(await rows('histogram_samples', ids[0]!)).toHaveLength(2);
    expect(await rows('exp_histogram_samples', ids[0]!)).toHaveLength(1);
    expect(delta('hydra.storage.writer.duplicates', 'samples')).toBe(50);
    expect(delta('hydra.storage.writer.duplicates', 'histogram_samples')).toBe(2);
    expect(delta('hydra.storage.writer.duplicates', 'exp_histogram_samples')).toBe(1);
    // rows counts what was stored: each point once
    expect(delta('hydra.storage.writer.rows', 'samples')).toBe(50);
    expect(delta('hydra.storage.writer.rows', 'histogram_samples')).toBe(2);
    expect(delta('hydra.storage.writer.rows', 'exp_histogram_samples')).toBe(1);
  });

  it('stores the new points of a batch that mixes them with stored ones; the first write wins', async () => {
    const t0 = us('2026-11-26T11:00:00Z');
    const first = Array.from({ length: 10 }, (_, i) => ({ seriesId: ids[1]!, timeUs: t0 + i, value: i }));
    await writer.write({ samples: first, histograms: [], expHistograms: [] });
    // the retry carries the stored points (with other values) plus ten new ones
    const retry = Array.from({ length: 20 }, (_, i) => ({ seriesId: ids[1]!, timeUs: t0 + i, value: 100 + i }));
    const before = await counters();
    await writer.write({ samples: retry, histograms: [histogram(ids[1]!, t0, 1)], expHistograms: [] });
    const after = await counters();
    expect(await rows('samples', ids[1]!)).toEqual(
      Array.from({ length: 20 }, (_, i) => ({ t: String(t0 + i), v: i < 10 ? i : 100 + i })),
    );
    expect(await rows('histogram_samples', ids[1]!)).toEqual([{ t: String(t0), v: 1 }]);
    expect(
      after('hydra.storage.writer.duplicates', { table: 'samples' }) -
        before('hydra.storage.writer.duplicates', { table: 'samples' }),
    ).toBe(10);
  });

  it('keeps one of two identical points in one write, and in two writes merged into one batch', async () => {
    const t0 = us('2026-11-26T12:00:00Z');
    const id = ids[2]!;
    await writer.write({
      samples: [
        { seriesId: id, timeUs: t0, value: 1 },
        { seriesId: id, timeUs: t0 + 1, value: 2 },
        { seriesId: id, timeUs: t0, value: 3 },
      ],
      histograms: [histogram(id, t0, 7), histogram(id, t0, 8)],
      expHistograms: [expHistogram(id, t0, 9), expHistogram(id, t0, 10)],
    });
    expect(await rows('samples', id)).toEqual([
      { t: String(t0), v: 1 },
      { t: String(t0 + 1), v: 2 },
    ]);
    expect(await rows('histogram_samples', id)).toEqual([{ t: String(t0), v: 7 }]);
    expect(await rows('exp_histogram_samples', id)).toEqual([{ t: String(t0), v: 9 }]);

    // Two requests carrying the same new point, queued while the writer waits to fill a batch: one transaction.
    const lingering = new BatchWriter(m.db, { connections: 1, flushIntervalMs: 200 });
    lingering.start();
    const before = await counters();
    const point = (value: number): WriteBatch => ({
      samples: [{ seriesId: id, timeUs: t0 + 2, value }],
      histograms: [],
      expHistograms: [],
    });
    await Promise.all([lingering.write(point(10)), lingering.write(point(20))]);
    await lingering.shutdown();
    const after = await counters();
    expect(
      after('hydra.storage.writer.batches', { outcome: 'committed' }) -
        before('hydra.storage.writer.batches', { outcome: 'committed' }),
    ).toBe(1);
    expect((await rows('samples', id)).at(-1)).toEqual({ t: String(t0 + 2), v: 10 });
  });

  it('loses nothing when two writers store the same points at once, in crossing orders', async () => {
    const t0 = us('2026-11-26T13:00:00Z');
    const id = ids[3]!;
    const points: SamplePoint[] = Array.from({ length: 4_000 }, (_, i) => ({ seriesId: id, timeUs: t0 + i, value: i }));
    const a = new BatchWriter(m.db, { batchSize: 500 });
    const b = new BatchWriter(m.db, { batchSize: 500 });
    a.start();
    b.start();
    const before = await counters();
    const chunks = (list: SamplePoint[]): WriteBatch[] =>
      Array.from({ length: list.length / 500 }, (_, k) => ({
        samples: list.slice(k * 500, (k + 1) * 500),
        histograms: [],
        expHistograms: [],
      }));
    await Promise.all([
      ...chunks(points).map((c) => a.write(c)),
      ...chunks([...points].reverse()).map((c) => b.write(c)),
    ]);
    await Promise.all([a.shutdown(), b.shutdown()]);
    const after = await counters();
    // every point came twice: stored once, skipped once; no batch failed (deadlocks are re-run, not reported)
    expect(
      after('hydra.storage.writer.duplicates', { table: 'samples' }) -
        before('hydra.storage.writer.duplicates', { table: 'samples' }),
    ).toBe(4_000);
    expect(after('hydra.storage.writer.failures') - before('hydra.storage.writer.failures')).toBe(0);
    const stored = await rows('samples', id);
    expect(stored).toHaveLength(4_000);
    expect(stored.every((r, i) => r.t === String(t0 + i) && r.v === i)).toBe(true);
  });
});

describe.runIf(testBackends().includes('postgres'))('commitBatch paths on PostgreSQL', () => {
  let m: MigratedDatabase;
  let id: number;
  beforeAll(async () => {
    m = await openMigrated('postgres');
    id = ((await new SeriesRegistry(m.db).resolve([ref(gauge('dup.paths'), {})])) as number[])[0]!;
    await new PartitionManager(m.db).ensure([dayOfMicros(us('2026-11-26T00:00:00Z'))]);
  });
  afterAll(async () => m?.close());

  async function commit(batch: WriteBatch, path: 'copy' | 'staged') {
    const client = await m.db.pool.connect();
    try {
      return await commitBatch(client, batch, path);
    } finally {
      client.release();
    }
  }

  it('copy fails on a stored point with unique_violation and stores nothing; staged stores the rest', async () => {
    const t0 = us('2026-11-26T15:00:00Z');
    const batch = (from: number, n: number): WriteBatch => ({
      samples: Array.from({ length: n }, (_, i) => ({ seriesId: id, timeUs: t0 + from + i, value: from + i })),
      histograms: [],
      expHistograms: [],
    });
    expect(await commit(batch(0, 5), 'copy')).toEqual({ samples: 0, histograms: 0, expHistograms: 0 });
    await expect(commit(batch(0, 10), 'copy')).rejects.toMatchObject({ name: 'InvalidDataError', sqlState: '23505' });
    const count = async () =>
      (await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM samples WHERE series_id = $1', [id]))
        .rows[0]!.n;
    expect(await count()).toBe(5);
    expect(await commit(batch(0, 10), 'staged')).toEqual({ samples: 5, histograms: 0, expHistograms: 0 });
    expect(await count()).toBe(10);
    // the temporary table is gone with its transaction: the same connection can stage again
    expect(await commit(batch(5, 10), 'staged')).toEqual({ samples: 5, histograms: 0, expHistograms: 0 });
    expect(await count()).toBe(15);
  });
});

describe.each(testBackends())('migration 0006 on %s', (backend) => {
  let dir: string;
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const test = await openTestDatabase(backend);
    db = await Database.connect({ url: test.url, mode: test.mode, poolSize: 3 });
    close = async () => {
      await db.close();
      await test.close();
    };
    dir = await mkdtemp(join(tmpdir(), 'hydra-migrations-0005-'));
    for (const file of await readdir(MIGRATIONS_DIR)) {
      if (Number(file.slice(0, 4)) <= 5) await cp(join(MIGRATIONS_DIR, file), join(dir, file));
    }
  });
  afterAll(async () => {
    await close?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('removes duplicates (keeping the first stored row), makes the indexes unique, and repairs the rollups', async () => {
    expect((await migrate(db, { dir })).applied.at(-1)).toBe('0005_rollup_dirty');
    const [id, hid] = (await new SeriesRegistry(db).resolve([
      ref(gauge('mig.m'), {}),
      ref({ name: 'mig.h', kind: 'histogram', unit: 's', temporality: 'delta', monotonic: false }, {}),
    ])) as number[];
    // three hours ago, whole minutes: settled, below the rollups' lookback once Maintenance ran
    const minuteUs = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000_000;
    await new PartitionManager(db).ensure([dayOfMicros(minuteUs)]);
    const at = (offsetSeconds: number) => new Date((minuteUs + offsetSeconds * 1e6) / 1000).toISOString();
    // What a retrying exporter left before 0006: 3 copies of one point, 2 of another, 1 of a third.
    await db.pool.query(
      `INSERT INTO samples (time, series_id, value) VALUES
         ($1, $4, 1), ($1, $4, 1), ($2, $4, 2), ($1, $4, 1), ($2, $4, 20), ($3, $4, 3)`,
      [at(0), at(10), at(20), id],
    );
    await db.pool.query(
      `INSERT INTO histogram_samples (time, series_id, count, bounds, bucket_counts) VALUES
         ($1, $2, 4, '{}', '{4}'), ($1, $2, 5, '{}', '{5}')`,
      [at(0), hid],
    );
    await db.pool.query(
      `INSERT INTO exp_histogram_samples (time, series_id, count, scale, zero_count, zero_threshold,
         positive_offset, positive_counts, negative_offset, negative_counts) VALUES
         ($1, $2, 6, 0, 0, 0, 0, '{6}', 0, '{}'), ($1, $2, 6, 0, 0, 0, 0, '{6}', 0, '{}')`,
      [at(0), hid],
    );
    // the rollups as Maintenance kept them at schema 0005 (1m and 1h: today's Maintenance also keeps samples_5m,
    // which migration 0026 adds)
    if (db.mode === 'postgres')
      for (const spec of [ROLLUP_1M, ROLLUP_1H]) await refreshRollup(db, spec, Date.now() * 1000);
    await db.pool.query('DELETE FROM rollup_dirty');
    if (db.mode === 'timescaledb') {
      // what the refresh policy (a background worker, not run in PGlite) would have materialised
      await db.pool.query("CALL refresh_continuous_aggregate('samples_1m', NULL, NULL)");
      // a compressed chunk with duplicates: 0006 decompresses it (identical copies: which one is kept cannot show)
      await db.pool.query("SELECT compress_chunk(c) FROM show_chunks('exp_histogram_samples') c");
    }
    const minuteCount = async () => {
      const res = await queryRange(db, {
        name: 'mig.m',
        matchers: [],
        from: new Date(minuteUs / 1000),
        to: new Date(minuteUs / 1000 + 60_000),
        stepSeconds: 60,
        aggregation: 'count',
      });
      return res.series[0]?.points ?? [];
    };
    expect(await minuteCount()).toEqual([[minuteUs / 1000, 6]]); // the rollup counted every copy

    expect((await migrate(db)).applied[0]).toBe(`0006_unique_points.${db.mode}`);
    const samples = await db.pool.query<{ value: number }>(
      'SELECT value FROM samples WHERE series_id = $1 ORDER BY time',
      [id],
    );
    expect(samples.rows.map((r) => r.value)).toEqual([1, 2, 3]);
    const h = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n, min(count)::int AS c FROM histogram_samples',
    );
    expect(h.rows[0]).toEqual({ n: 1, c: 4 });
    const e = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM exp_histogram_samples');
    expect(e.rows[0]!.n).toBe(1);
    await expect(
      db.pool.query('INSERT INTO samples (time, series_id, value) VALUES ($1, $2, 9)', [at(0), id]),
    ).rejects.toMatchObject({ code: '23505' });
    if (db.mode === 'timescaledb') {
      // the continuous aggregate logged the deletions; the refresh docs/storage.md prescribes after 0006 applies them
      await db.pool.query("CALL refresh_continuous_aggregate('samples_1m', NULL, now() - INTERVAL '1 minute')");
      expect(await minuteCount()).toEqual([[minuteUs / 1000, 3]]);
      // compression is back on, segmented by series, on the three tables
      const compressed = await db.pool.query<{ hypertable: string; segmentby: string }>(
        `SELECT hypertable::text, segmentby FROM timescaledb_information.hypertable_compression_settings
         WHERE hypertable::text IN ('samples', 'histogram_samples', 'exp_histogram_samples') ORDER BY 1`,
      );
      expect(compressed.rows.map((r) => [r.hypertable, r.segmentby])).toEqual([
        ['exp_histogram_samples', 'series_id'],
        ['histogram_samples', 'series_id'],
        ['samples', 'series_id'],
      ]);
      return;
    }
    // the deleted copies' minute was recorded, and Maintenance recomputes it
    const dirty = await db.pool.query<{ from_time: Date; to_time: Date }>(
      'SELECT from_time, to_time FROM rollup_dirty',
    );
    expect(dirty.rows.map((r) => [r.from_time.getTime() * 1000, r.to_time.getTime() * 1000])).toEqual([
      [minuteUs, minuteUs + 60_000_000],
    ]);
    const maintenance = new Maintenance(db);
    await maintenance.runOnce();
    await maintenance.shutdown();
    expect(await minuteCount()).toEqual([[minuteUs / 1000, 3]]);
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_dirty')).rows[0]!.n).toBe(0);
  });
});
