/**
 * analysis_job_status (migration 0012): one upsert per pass keeps the last success, the consecutive failures (reset
 * by a success), the last error cut to 1 KB and the last duration; bad input is refused; the export read returns
 * the rows whose last pass ended within its window, most failures first, cut and counted like the other families.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analysisJobHealth,
  JOB_ERROR_MAX_CHARS,
  readJobStatuses,
  recordJobOutcome,
  type JobOutcome,
} from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { openMigrated, type MigratedDatabase } from './helpers.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

describe.each(testBackends())('analysis job status on %s', (backend) => {
  let m: MigratedDatabase;
  beforeAll(async () => {
    m = await openMigrated(backend);
  });
  afterAll(async () => {
    await m?.close();
  });

  const pass = (o: Partial<JobOutcome> & Pick<JobOutcome, 'outcome' | 'at'>): JobOutcome => ({
    monitor: 'shop/cpu',
    kind: 'anomaly',
    durationSeconds: 1.5,
    ...o,
  });

  it('counts consecutive failures until a success, keeping the last success, error and duration', async () => {
    await recordJobOutcome(
      m.db,
      pass({ outcome: 'failure', at: NOW - 4 * MINUTE, error: 'first', durationSeconds: 2 }),
    );
    let [s] = (await readJobStatuses(m.db)).filter((r) => r.monitor === 'shop/cpu');
    expect(s).toEqual({
      monitor: 'shop/cpu',
      kind: 'anomaly',
      lastSuccessAt: null,
      lastFailureAt: NOW - 4 * MINUTE,
      lastError: 'first',
      lastNote: null,
      consecutiveFailures: 1,
      lastDurationSeconds: 2,
      updatedAt: NOW - 4 * MINUTE,
    });
    await recordJobOutcome(m.db, pass({ outcome: 'success', at: NOW - 3 * MINUTE, durationSeconds: 0.25 }));
    await recordJobOutcome(m.db, pass({ outcome: 'failure', at: NOW - 2 * MINUTE, error: 'second' }));
    await recordJobOutcome(m.db, pass({ outcome: 'failure', at: NOW - MINUTE, error: 'x'.repeat(5000) }));
    [s] = (await readJobStatuses(m.db)).filter((r) => r.monitor === 'shop/cpu');
    expect(s).toMatchObject({
      lastSuccessAt: NOW - 3 * MINUTE,
      lastFailureAt: NOW - MINUTE,
      consecutiveFailures: 2,
      lastDurationSeconds: 1.5,
      updatedAt: NOW - MINUTE,
    });
    expect(s!.lastError).toHaveLength(JOB_ERROR_MAX_CHARS);
    expect(s!.lastError!.endsWith('x…')).toBe(true);
    // a success zeroes the count, keeps the last error (last_failure_at says when) and is kept apart per kind
    await recordJobOutcome(m.db, pass({ outcome: 'success', at: NOW, durationSeconds: 3 }));
    await recordJobOutcome(m.db, pass({ kind: 'forecast', outcome: 'failure', at: NOW, error: 'boom' }));
    const all = (await readJobStatuses(m.db)).filter((r) => r.monitor === 'shop/cpu');
    expect(all.map((r) => [r.kind, r.consecutiveFailures, r.lastSuccessAt, r.lastDurationSeconds])).toEqual([
      ['anomaly', 0, NOW, 3],
      ['forecast', 1, null, 1.5],
    ]);
    expect(all[0]!.lastFailureAt).toBe(NOW - MINUTE);
  });

  it("keeps a successful pass's note until the next success, which replaces or clears it", async () => {
    const note = '4 of 4 series not analysed: 4 histogram series (http.server.request.duration)';
    const noted = (): Promise<string | null | undefined> =>
      readJobStatuses(m.db).then((all) => all.find((r) => r.monitor === 'shop/latency')?.lastNote);
    // two days back: outside the window the export test below reads
    const at = NOW - 48 * HOUR;
    await recordJobOutcome(m.db, pass({ monitor: 'shop/latency', outcome: 'success', at, note }));
    expect(await noted()).toBe(note);
    await recordJobOutcome(m.db, pass({ monitor: 'shop/latency', outcome: 'failure', at: at + 1, error: 'x' }));
    expect(await noted()).toBe(note);
    await recordJobOutcome(m.db, pass({ monitor: 'shop/latency', outcome: 'success', at: at + 2 }));
    expect(await noted()).toBeNull();
  });

  it('counts every one of concurrent failures (one statement per pass)', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        recordJobOutcome(m.db, pass({ monitor: 'shop/sharded', outcome: 'failure', at: NOW + i, error: `e${i}` })),
      ),
    );
    const [s] = (await readJobStatuses(m.db)).filter((r) => r.monitor === 'shop/sharded');
    expect(s!.consecutiveFailures).toBe(8);
  });

  it('refuses bad input with the field named', async () => {
    const ok = pass({ outcome: 'success', at: NOW });
    await expect(recordJobOutcome(m.db, { ...ok, monitor: '' })).rejects.toThrow(/monitor/);
    await expect(recordJobOutcome(m.db, { ...ok, kind: 'other' as 'anomaly' })).rejects.toThrow(/kind/);
    await expect(recordJobOutcome(m.db, { ...ok, outcome: 'ok' as 'success' })).rejects.toThrow(/outcome/);
    await expect(recordJobOutcome(m.db, { ...ok, durationSeconds: -1 })).rejects.toThrow(/durationSeconds/);
    await expect(recordJobOutcome(m.db, { ...ok, durationSeconds: NaN })).rejects.toThrow(/durationSeconds/);
    await expect(recordJobOutcome(m.db, { ...ok, at: Infinity })).rejects.toThrow(/at must be/);
  });

  it('exports the rows updated within the window, most failures first, cut and counted', async () => {
    await recordJobOutcome(m.db, pass({ monitor: 'shop/gone', outcome: 'failure', at: NOW - 25 * HOUR }));
    const window = (limit: number) => ({ nowMs: NOW + MINUTE, maxAgeMs: 24 * HOUR, limit });
    const all = await analysisJobHealth(m.db, window(100));
    expect(all.dropped).toBe(0);
    expect(all.rows).toEqual([
      {
        monitor: 'shop/sharded',
        kind: 'anomaly',
        lastSuccessAt: null,
        consecutiveFailures: 8,
        lastDurationSeconds: 1.5,
      },
      { monitor: 'shop/cpu', kind: 'forecast', lastSuccessAt: null, consecutiveFailures: 1, lastDurationSeconds: 1.5 },
      { monitor: 'shop/cpu', kind: 'anomaly', lastSuccessAt: NOW, consecutiveFailures: 0, lastDurationSeconds: 3 },
    ]);
    for (const limit of [0, 1, 2, 3, 4]) {
      const cut = await analysisJobHealth(m.db, window(limit));
      expect(cut.rows).toEqual(all.rows.slice(0, limit));
      expect(cut.dropped).toBe(Math.max(0, 3 - limit));
    }
    // the deleted monitor's row is read once the window reaches back to it
    const wide = await analysisJobHealth(m.db, { ...window(100), maxAgeMs: 26 * HOUR });
    expect(wide.rows.map((r) => r.monitor)).toContain('shop/gone');
    await expect(analysisJobHealth(m.db, { ...window(1), maxAgeMs: 0 })).rejects.toThrow(RangeError);
  });

  it('has the index of the export read (migration 0012)', async () => {
    const { rows } = await m.db.pool.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'analysis_job_status_updated_at'`,
    );
    expect(rows.map((r) => r.indexdef.replace(/ public\./g, ' '))).toEqual([
      'CREATE INDEX analysis_job_status_updated_at ON analysis_job_status USING btree (updated_at)',
    ]);
  });
});
