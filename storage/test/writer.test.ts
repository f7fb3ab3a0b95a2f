import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriter,
  Database,
  QueueFullError,
  SeriesRegistry,
  StorageUnavailableError,
  WriterClosedError,
  type SamplePoint,
} from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { gauge, openMigrated, ref, us, useGlobalMeterProvider, type MigratedDatabase } from './helpers.ts';
import { startTcpProxy } from './tcp-proxy.ts';

// storage's self-metrics, read through a real SDK MeterProvider installed globally as the hydra commands do
const reader = useGlobalMeterProvider();

/** Sum of a metric's data points whose attributes include `attrs`. */
function total(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number {
  let sum = 0;
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (!Object.entries(attrs).every(([k, v]) => point.attributes[k] === v)) continue;
        const value = point.value as number | { count: number };
        sum += typeof value === 'number' ? value : value.count;
      }
    }
  }
  return sum;
}

describe.each(testBackends())('BatchWriter on %s', (backend) => {
  let m: MigratedDatabase;
  let seriesIds: number[];
  beforeAll(async () => {
    m = await openMigrated(backend);
    const registry = new SeriesRegistry(m.db);
    seriesIds = (await registry.resolve(
      Array.from({ length: 10 }, (_, i) => ref(gauge('w.cpu'), { i: String(i) })),
    )) as number[];
  });
  afterAll(async () => m?.close());

  async function countRows(seriesId: number): Promise<number> {
    const res = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM samples WHERE series_id = $1', [
      seriesId,
    ]);
    return res.rows[0]!.n;
  }

  it('resolves only after the rows are committed, with exact µs times and special values', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    const id = seriesIds[0]!;
    const t0 = us('2026-11-26T10:00:00.000Z') + 123_457;
    const values = [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.MIN_VALUE, 1e308];
    await writer.write({
      samples: values.map((value, i) => ({ seriesId: id, timeUs: t0 + i, value })),
      histograms: [],
      expHistograms: [],
    });
    const res = await m.db.pool.query<{ t: string; value: number }>(
      `SELECT (extract(epoch FROM time) * 1000000)::int8::text AS t, value FROM samples WHERE series_id = $1 ORDER BY time`,
      [id],
    );
    expect(res.rows.map((r) => Number(r.t))).toEqual(values.map((_, i) => t0 + i));
    expect(res.rows.map((r) => r.value)).toEqual([
      1.5,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MIN_VALUE,
      1e308,
    ]);
    await writer.shutdown();
  });

  it('group-commits many concurrent writes', async () => {
    const writer = new BatchWriter(m.db, { batchSize: 5_000, flushIntervalMs: 20 });
    writer.start();
    const id = seriesIds[1]!;
    const base = us('2026-11-26T11:00:00Z');
    const writes = Array.from({ length: 200 }, (_, w) =>
      writer.write({
        samples: Array.from({ length: 100 }, (_, i) => ({
          seriesId: id,
          timeUs: base + (w * 100 + i) * 1000,
          value: w,
        })),
        histograms: [],
        expHistograms: [],
      }),
    );
    expect(writer.stats().queuedRows + writer.stats().inFlightBatches).toBeGreaterThan(0);
    await Promise.all(writes);
    expect(await countRows(id)).toBe(20_000);
    expect(writer.stats()).toEqual({ queuedRows: 0, inFlightBatches: 0 });
    await writer.shutdown();
  });

  it('refuses with QueueFullError when the queue is full', async () => {
    const writer = new BatchWriter(m.db, { maxQueuedRows: 10, flushIntervalMs: 1_000 });
    writer.start();
    const point = (i: number): SamplePoint => ({
      seriesId: seriesIds[2]!,
      timeUs: us('2026-11-26T12:00:00Z') + i,
      value: i,
    });
    const first = writer.write({
      samples: Array.from({ length: 8 }, (_, i) => point(i)),
      histograms: [],
      expHistograms: [],
    });
    const refused = writer.write({ samples: [point(8), point(9), point(10)], histograms: [], expHistograms: [] });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ retryable: true });
    const tooBig = writer.write({
      samples: Array.from({ length: 11 }, (_, i) => point(i)),
      histograms: [],
      expHistograms: [],
    });
    await expect(tooBig).rejects.toThrow(/11 rows exceed the writer's queue capacity of 10/);
    await writer.shutdown();
    await first;
    expect(await countRows(seriesIds[2]!)).toBe(8);
  });

  it('flushes on shutdown, then refuses writes; shutdown is idempotent and safe without start', async () => {
    const writer = new BatchWriter(m.db, { flushIntervalMs: 60_000 });
    writer.start();
    const pending = writer.write({
      samples: [{ seriesId: seriesIds[3]!, timeUs: us('2026-11-26T13:00:00Z'), value: 1 }],
      histograms: [],
      expHistograms: [],
    });
    await Promise.all([writer.shutdown(), writer.shutdown()]);
    await pending;
    expect(await countRows(seriesIds[3]!)).toBe(1);
    await expect(
      writer.write({ samples: [{ seriesId: seriesIds[3]!, timeUs: 1, value: 1 }], histograms: [], expHistograms: [] }),
    ).rejects.toBeInstanceOf(WriterClosedError);
    await new BatchWriter(m.db).shutdown();
  });

  it('creates the partition (TimescaleDB: the chunk) of a past day on demand', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    const day = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    await writer.write({
      samples: [{ seriesId: seriesIds[4]!, timeUs: us(`${day}T08:00:00Z`), value: 42 }],
      histograms: [],
      expHistograms: [],
    });
    if (m.db.mode === 'timescaledb') {
      const chunks = await m.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM timescaledb_information.chunks
         WHERE hypertable_name = 'samples' AND range_start <= $1 AND range_end > $1`,
        [`${day}T08:00:00Z`],
      );
      expect(chunks.rows[0]!.n).toBe(1);
    } else {
      const res = await m.db.pool.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [
        `samples_p${day.replaceAll('-', '')}`,
      ]);
      expect(res.rows[0]!.t).toBe(`samples_p${day.replaceAll('-', '')}`);
    }
    await writer.shutdown();
  });

  it('stores explicit and exponential histograms', async () => {
    const registry = new SeriesRegistry(m.db);
    const [hid, eid] = (await registry.resolve([
      ref({ name: 'w.latency', kind: 'histogram', unit: 's', temporality: 'cumulative', monotonic: false }, {}),
      ref({ name: 'w.size', kind: 'exponential_histogram', unit: 'By', temporality: 'delta', monotonic: false }, {}),
    ])) as number[];
    const writer = new BatchWriter(m.db);
    writer.start();
    const t = us('2026-11-26T14:00:00Z');
    await writer.write({
      samples: [],
      histograms: [
        {
          seriesId: hid!,
          timeUs: t,
          startTimeUs: t - 60_000_000,
          count: 6,
          sum: 2.5,
          min: 0.1,
          max: 1.2,
          bounds: [0.5, 1],
          bucketCounts: [3, 2, 1],
        },
      ],
      expHistograms: [
        {
          seriesId: eid!,
          timeUs: t,
          startTimeUs: null,
          count: 5,
          sum: null,
          min: null,
          max: null,
          scale: 2,
          zeroCount: 1,
          zeroThreshold: 0,
          positiveOffset: -3,
          positiveCounts: [1, 2],
          negativeOffset: 0,
          negativeCounts: [],
        },
      ],
    });
    const h = await m.db.pool.query(
      'SELECT count::int, sum, min, max, bounds, bucket_counts::int[] AS bc, start_time IS NOT NULL AS has_start FROM histogram_samples WHERE series_id = $1',
      [hid],
    );
    expect(h.rows).toEqual([
      { count: 6, sum: 2.5, min: 0.1, max: 1.2, bounds: [0.5, 1], bc: [3, 2, 1], has_start: true },
    ]);
    const e = await m.db.pool.query(
      'SELECT count::int, sum, scale, zero_count::int AS zc, positive_offset AS po, positive_counts::int[] AS pc, negative_counts::int[] AS nc, start_time FROM exp_histogram_samples WHERE series_id = $1',
      [eid],
    );
    expect(e.rows).toEqual([{ count: 5, sum: null, scale: 2, zc: 1, po: -3, pc: [1, 2], nc: [], start_time: null }]);
    await writer.shutdown();
  });

  it('rejects a point whose time is not an integer, naming it', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    await expect(
      writer.write({ samples: [{ seriesId: 1, timeUs: 1.5, value: 1 }], histograms: [], expHistograms: [] }),
    ).rejects.toThrow(/samples\[0\]\.timeUs/);
    await writer.shutdown();
  });

  it('counts rows, batches (fewer than writes: group commit), latency, refusals and queue depth', async () => {
    const before = (await reader.collect()).resourceMetrics;
    const writer = new BatchWriter(m.db, { connections: 1, maxQueuedRows: 20_000 });
    writer.start();
    const base = us('2026-11-26T16:00:00Z');
    const writes = Array.from({ length: 200 }, (_, w) =>
      writer.write({
        samples: Array.from({ length: 100 }, (_, i) => ({
          seriesId: seriesIds[6]!,
          timeUs: base + w * 100 + i,
          value: i,
        })),
        histograms: [],
        expHistograms: [],
      }),
    );
    const refused = writer.write({
      samples: [{ seriesId: seriesIds[6]!, timeUs: base, value: 0 }],
      histograms: [],
      expHistograms: [],
    });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    const during = (await reader.collect()).resourceMetrics;
    expect(total(during, 'hydra.storage.writer.queue.rows')).toBeGreaterThan(0);
    expect(total(during, 'hydra.storage.writer.queue.capacity')).toBe(20_000);
    await Promise.all(writes);
    const after = (await reader.collect()).resourceMetrics;
    const delta = (name: string, attrs?: Record<string, string>) =>
      total(after, name, attrs) - total(before, name, attrs);
    expect(delta('hydra.storage.writer.rows', { table: 'samples' })).toBe(20_000);
    const batches = delta('hydra.storage.writer.batches', { outcome: 'committed' });
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThan(200);
    expect(delta('hydra.storage.writer.batch.duration.seconds')).toBe(batches);
    expect(delta('hydra.storage.writer.refused', { reason: 'queue_full' })).toBe(1);
    await writer.shutdown();
  });

  it('rejects with a retryable error when the database goes away, then recovers', async () => {
    const target = new URL(m.test.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const url = new URL(m.test.url);
    url.port = String(proxy.port);
    const db = await Database.connect({ url: url.toString(), mode: m.test.mode, poolSize: 2, connectTimeoutMs: 1_000 });
    try {
      const id = seriesIds[5]!;
      const writer = new BatchWriter(db, { flushIntervalMs: 5 });
      writer.start();
      const batch = (v: number) => ({
        samples: [{ seriesId: id, timeUs: us('2026-11-26T15:00:00Z') + v, value: v }],
        histograms: [],
        expHistograms: [],
      });
      await writer.write(batch(1));
      proxy.cut();
      const failed = writer.write(batch(2));
      await expect(failed).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(failed).rejects.toMatchObject({ retryable: true });
      proxy.restore();
      await writer.write(batch(3));
      const rows = await m.db.pool.query<{ value: number }>(
        'SELECT value FROM samples WHERE series_id = $1 ORDER BY time',
        [id],
      );
      expect(rows.rows.map((r) => r.value)).toEqual([1, 3]);
      await writer.shutdown();
    } finally {
      await db.close();
      await proxy.close();
    }
  });
});
