import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, Maintenance, PartitionManager, SeriesRegistry, partitionName, queryRange } from '@hydra/storage';
import { testBackendMode, testBackends } from '@hydra/storage/testing';
import { captureLogger } from '@hydra/logging/testing';
import { gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const DAY_MS = 86_400_000;

describe.each(testBackends())('Maintenance on %s', (backend) => {
  let m: MigratedDatabase;
  const now = Math.floor(Date.now() / DAY_MS) * DAY_MS + 12 * 3_600_000; // today 12:00 UTC
  const today = Math.floor(now / DAY_MS);
  let id: number;
  beforeAll(async () => {
    m = await openMigrated(backend, { retentionDays: 30 });
    id = ((await new SeriesRegistry(m.db).resolve([ref(gauge('m.disk'), {})])) as number[])[0]!;
  });
  afterAll(async () => m?.close());
  // declared in plain mode only (not skipped in TimescaleDB mode, where chunks and policies replace partitions and
  // the rollup pass: storage/test/timescale-mode.test.ts)
  const plainMode: typeof it =
    testBackendMode(backend) === 'postgres' ? it : ((() => undefined) as unknown as typeof it);

  async function exists(name: string): Promise<boolean> {
    const res = await m.db.pool.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]);
    return res.rows[0]!.t === name;
  }

  it('tells callers the oldest point time still inside retention', () => {
    expect(m.db.oldestAcceptedTimeUs(now)).toBe((now - 30 * DAY_MS) * 1000);
  });

  plainMode('creates partitions ahead, drops whole days past retention, and keeps the rest', async () => {
    const writer = new BatchWriter(m.db);
    writer.start();
    const at = (daysAgo: number) => ({ seriesId: id, timeUs: (now - daysAgo * DAY_MS) * 1000, value: daysAgo });
    await writer.write({ samples: [at(40), at(31), at(29), at(1)], histograms: [], expHistograms: [] });
    const maintenance = new Maintenance(m.db, {
      now: () => now,
    });
    const report = await maintenance.runOnce();
    expect(report.partitionsCreated).toEqual(expect.arrayContaining([today, today + 1, today + 2]));
    expect(report.partitionsDropped).toEqual(
      expect.arrayContaining(
        ['samples', 'histogram_samples', 'exp_histogram_samples'].flatMap((t) => [
          partitionName(t, today - 40),
          partitionName(t, today - 31),
        ]),
      ),
    );
    expect(report.partitionsDropped).toHaveLength(6);
    expect(await exists(partitionName('samples', today - 29))).toBe(true);
    expect(await exists(partitionName('samples', today + 2))).toBe(true);
    const left = await m.db.pool.query<{ value: number }>('SELECT value FROM samples ORDER BY value');
    expect(left.rows.map((r) => r.value)).toEqual([1, 29]);
    // idempotent: nothing more to do
    const again = await maintenance.runOnce();
    expect(again.partitionsCreated).toEqual([]);
    expect(again.partitionsDropped).toEqual([]);
    // the writer had cached the dropped day: it re-creates the partition and commits
    await writer.write({ samples: [at(40)], histograms: [], expHistograms: [] });
    expect(await exists(partitionName('samples', today - 40))).toBe(true);
    await writer.shutdown();
    expect(await new PartitionManager(m.db).listDays()).toContain(today - 40);
  });

  it('starts and shuts down idempotently, and shutdown is safe without start', async () => {
    const { logger, lines } = captureLogger();
    const maintenance = new Maintenance(m.db, { now: () => now, intervalMs: 60_000, logger });
    maintenance.start();
    maintenance.start();
    await Promise.all([maintenance.shutdown(), maintenance.shutdown()]);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    await new Maintenance(m.db).shutdown();
  });

  plainMode('never rolls up a minute still filling: a count at the 1-minute step reads every raw point', async () => {
    // points every 5 s from 11:50; a pass at 12:00:30 (mid-minute), then the rest of 12:00 and 12:01 arrive
    const series = ((await new SeriesRegistry(m.db).resolve([ref(gauge('m.filling'), {})])) as number[])[0]!;
    const point = (ms: number) => ({ seriesId: series, timeUs: ms * 1000, value: 1 });
    const times = (fromMs: number, toMs: number) =>
      Array.from({ length: (toMs - fromMs) / 5_000 }, (_, i) => point(fromMs + i * 5_000));
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({ samples: times(now - 600_000, now + 30_000), histograms: [], expHistograms: [] });
    const passAt = new Maintenance(m.db, { now: () => now + 30_000 });
    await passAt.runOnce();
    await writer.write({ samples: times(now + 30_000, now + 120_000), histograms: [], expHistograms: [] });
    await writer.shutdown();
    const read = async () =>
      (
        await queryRange(m.db, {
          name: 'm.filling',
          matchers: [],
          from: new Date(now - 600_000),
          to: new Date(now + 119_999),
          stepSeconds: 60,
          aggregation: 'count',
        })
      ).series[0]!;
    const expected = Array.from({ length: 12 }, (_, i) => [now - 600_000 + i * 60_000, 12]);
    expect((await read()).points).toEqual(expected);
    // and once the rollup has caught up with every minute
    await new Maintenance(m.db, { now: () => now + 300_000 }).runOnce();
    expect((await read()).points).toEqual(expected);
  });

  it('runOnce() joins a run in progress; runFresh() waits for it and runs again', async () => {
    const maintenance = new Maintenance(m.db, {
      now: () => now,
    });
    const inProgress = maintenance.runOnce();
    expect(maintenance.runOnce()).toBe(inProgress);
    const fresh = maintenance.runFresh();
    const [first, second] = await Promise.all([inProgress, fresh]);
    // two passes, not one shared: the second report is its own object
    expect(second).not.toBe(first);
  });
});
