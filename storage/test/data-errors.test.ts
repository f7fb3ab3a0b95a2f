/**
 * Regression tests: data the database refuses is a permanent error (it used
 * to be wrapped as StorageUnavailableError and retried forever as 503), and a
 * write larger than the writer's whole queue is a typed permanent error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchTooLargeError,
  BatchWriter,
  InvalidDataError,
  isRetryable,
  SeriesRegistry,
  type WriteBatch,
} from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { gauge, openMigrated, ref, us, type MigratedDatabase } from './helpers.ts';

/** Points 1 ms apart from 12:00 + `offsetMs` (one point per (series, time) is stored: keep their times apart). */
function samples(seriesId: number, values: number[], offsetMs = 0): WriteBatch {
  const base = us('2026-11-26T12:00:00Z') + offsetMs * 1000;
  return {
    samples: values.map((value, i) => ({ seriesId, timeUs: base + i * 1000, value })),
    histograms: [],
    expHistograms: [],
  };
}

describe.each(testBackends())('storage data errors on %s', (backend) => {
  let m: MigratedDatabase;
  let seriesId: number;
  beforeAll(async () => {
    m = await openMigrated(backend);
    const [id] = await new SeriesRegistry(m.db).resolve([ref(gauge('data.errors'), { host: 'a' })]);
    seriesId = id as number;
    // A constraint the test can break on purpose: the database refuses negative values (SQLSTATE 23514).
    await m.db.pool.query('ALTER TABLE samples ADD CONSTRAINT test_non_negative CHECK (value >= 0)');
  });
  afterAll(async () => m?.close());

  it('registry: a label the database cannot store (U+0000) is a permanent InvalidDataError, not a 503', async () => {
    const registry = new SeriesRegistry(m.db);
    const refused = registry.resolve([ref(gauge('data.errors.nul'), { host: 'bad\u0000value' })]);
    await expect(refused).rejects.toBeInstanceOf(InvalidDataError);
    const err = await refused.catch((e: unknown) => e);
    expect(isRetryable(err)).toBe(false);
    expect((err as InvalidDataError).sqlState?.startsWith('22')).toBe(true);
    expect((err as Error).message).toMatch(/^series registry: /);
    // the registry still works for good data afterwards
    expect(typeof (await registry.resolve([ref(gauge('data.errors.nul'), { host: 'good' })]))[0]).toBe('number');
  });

  it('writer: a write larger than the whole queue is a permanent BatchTooLargeError', async () => {
    const writer = new BatchWriter(m.db, { maxQueuedRows: 10 });
    writer.start();
    const tooBig = writer.write(
      samples(
        seriesId,
        Array.from({ length: 11 }, (_, i) => i),
      ),
    );
    await expect(tooBig).rejects.toBeInstanceOf(BatchTooLargeError);
    await expect(tooBig).rejects.toMatchObject({ retryable: false, rows: 11, capacity: 10 });
    await expect(tooBig).rejects.toThrow(/11 rows exceed the writer's queue capacity of 10/);
    await writer.shutdown();
  });

  it('writer: refused data fails only its own request; the others in the same batch are committed', async () => {
    // One connection and a linger, so the three requests are merged into one transaction.
    const writer = new BatchWriter(m.db, { connections: 1, flushIntervalMs: 50 });
    writer.start();
    const good1 = writer.write(samples(seriesId, [1, 2, 3]));
    const bad = writer.write(samples(seriesId, [4, -1], 10));
    const good2 = writer.write(samples(seriesId, [5], 20));
    const outcomes = await Promise.allSettled([good1, bad, good2]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (outcomes[1] as PromiseRejectedResult).reason as InvalidDataError;
    expect(err).toBeInstanceOf(InvalidDataError);
    expect(err.sqlState).toBe('23514');
    expect(isRetryable(err)).toBe(false);
    const { rows } = await m.db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM samples WHERE series_id = $1',
      [seriesId],
    );
    expect(rows[0]!.n).toBe(4);
    await writer.shutdown();
  });
});
