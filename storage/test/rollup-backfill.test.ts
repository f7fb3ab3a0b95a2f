/**
 * Regression: points written below the 1m rollup's reach (older than its
 * watermark minus the lookback: hydra import, hydra seed after rollups exist,
 * late exporters) never reached samples_1m / samples_1h, so stepped queries
 * over those buckets read stale rollups. The writer now records such ranges
 * in the data's transaction and Maintenance recomputes their buckets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, Maintenance, queryRange, SeriesRegistry, type SamplePoint } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const HOUR_MS = 3_600_000;
const STEP_MS = 10_000;
const POINTS = 360; // one hour at 10 s

describe.each(testBackends())('rollups after backfill on %s', (backend) => {
  let m: MigratedDatabase;
  let id: number;
  // A whole hour, four hours ago: long settled, far below the 1m watermark once Maintenance ran.
  const hourStartMs = Math.floor((Date.now() - 4 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const original: SamplePoint[] = [];
  const backfill: SamplePoint[] = [];
  beforeAll(async () => {
    m = await openMigrated(backend);
    id = ((await new SeriesRegistry(m.db).resolve([ref(gauge('backfill.m'), {})])) as number[])[0]!;
    for (let k = 0; k < POINTS; k++) {
      original.push({ seriesId: id, timeUs: (hourStartMs + k * STEP_MS) * 1000, value: k });
      backfill.push({ seriesId: id, timeUs: (hourStartMs + k * STEP_MS + 5_000) * 1000, value: 1_000 + k });
    }
  });
  afterAll(async () => m?.close());

  function maintenance(): Maintenance {
    return new Maintenance(m.db);
  }

  async function stepped(stepSeconds: number, aggregation: 'max' | 'count'): Promise<Array<[number, number]>> {
    const res = await queryRange(m.db, {
      name: 'backfill.m',
      matchers: [],
      from: new Date(hourStartMs),
      to: new Date(hourStartMs + HOUR_MS),
      stepSeconds,
      aggregation,
    });
    return res.series[0]?.points ?? [];
  }

  /** The expected buckets, computed from the points themselves. */
  function expected(points: SamplePoint[], stepMs: number, aggregation: 'max' | 'count'): Array<[number, number]> {
    const buckets = new Map<number, number[]>();
    for (const p of points) {
      const b = Math.floor(p.timeUs / 1000 / stepMs) * stepMs;
      buckets.set(b, [...(buckets.get(b) ?? []), p.value]);
    }
    return [...buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([t, vs]) => [t, aggregation === 'max' ? Math.max(...vs) : vs.length]);
  }

  it('recomputes the 1m and 1h buckets of points imported below the watermark', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({ samples: original, histograms: [], expHistograms: [] });
    await maintenance().runOnce();
    await m.db.pool.query('DELETE FROM rollup_dirty'); // the first refresh covered those; start clean
    expect(await stepped(60, 'max')).toEqual(expected(original, 60_000, 'max'));

    // hydra import of the same hour, after the rollups exist
    await writer.write({ samples: backfill, histograms: [], expHistograms: [] });
    await writer.shutdown();
    const dirty = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_dirty');
    expect(dirty.rows[0]!.n).toBe(1);
    // until Maintenance runs, the stepped query reads the rollups as they were (the stale state the bug left forever)
    expect(await stepped(60, 'max')).toEqual(expected(original, 60_000, 'max'));

    const report = await maintenance().runOnce();
    expect(report.backfillSpans).toBe(1);
    const all = [...original, ...backfill];
    expect(await stepped(60, 'max')).toEqual(expected(all, 60_000, 'max'));
    expect(await stepped(60, 'count')).toEqual(expected(all, 60_000, 'count'));
    expect(await stepped(3600, 'max')).toEqual(expected(all, HOUR_MS, 'max'));
    expect(await stepped(3600, 'count')).toEqual([[hourStartMs, 2 * POINTS]]);
    const left = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_dirty');
    expect(left.rows[0]!.n).toBe(0);
  });

  it('records nothing for live points (the regular refresh re-covers them)', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({
      samples: [{ seriesId: id, timeUs: Date.now() * 1000, value: 1 }],
      histograms: [],
      expHistograms: [],
    });
    await writer.shutdown();
    const dirty = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_dirty');
    expect(dirty.rows[0]!.n).toBe(0);
  });
});
