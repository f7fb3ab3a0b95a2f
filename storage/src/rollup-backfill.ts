/**
 * Backfill and the rollups. A refresh recomputes the
 * buckets from `watermark − lookback` on, so points written further back
 * (hydra import, hydra seed after rollups exist, exporters more than the
 * lookback late) would never reach samples_1m / samples_5m / samples_1h. The writer
 * therefore records the time range of such points in `rollup_dirty`, in the
 * same transaction as the points; Maintenance recomputes the 1m and then 5m and 1h
 * buckets of those ranges and deletes the records in the same transactions.
 *
 * The writer needs no watermark for that: the watermark never passes the
 * wall clock, so a point newer than `now − lookback` (plus a margin for
 * transaction time and clock skew) is always re-covered by the next refresh,
 * and only older points, rare and batched, cost one small INSERT per batch.
 *
 * TimescaleDB mode has the same gap: the continuous aggregates' refresh
 * policies only look back 2 h (1m) and 3 days (1h), and a bucket older than a
 * cagg's watermark is read from its materialisation alone, so imported history
 * was missing from the rollups (never materialised) or stale. The writer
 * records the same ranges there, and Maintenance refreshes the aggregates
 * over them (`refreshBackfilledAggregates`).
 */
import type pg from 'pg';
import type { Database } from './database.ts';
import { floorTo, iso, ROLLUP_1H, ROLLUP_1M, ROLLUP_5M, rollupSql, type RollupSpec } from './rollups.ts';
import { withTransaction } from './transaction.ts';
import type { SamplePoint } from './types.ts';

/** Slack between the writer's clock and Maintenance's (transaction time, clock skew between hosts). */
export const BACKFILL_MARGIN_SECONDS = 60;
/** Records merged and recomputed per Maintenance run at most; the rest waits for the next run. */
export const MAX_DIRTY_RECORDS_PER_RUN = 10_000;

/** The rollups recomputed from samples_1m after it, finest first. */
const COARSER: readonly RollupSpec[] = [ROLLUP_5M, ROLLUP_1H];

/** [from, to) widened to whole buckets of `spec`. */
function widened(spec: RollupSpec, fromUs: number, toUs: number): [number, number] {
  return [floorTo(fromUs, spec.widthSeconds), floorTo(toUs - 1, spec.widthSeconds) + spec.widthSeconds * 1e6];
}

/** Points older than this (µs) may be below the 1m rollup's reach and are recorded. */
export function backfillThresholdUs(nowUs: number): number {
  return nowUs - (ROLLUP_1M.lookbackSeconds - BACKFILL_MARGIN_SECONDS) * 1e6;
}

/**
 * The [fromUs, toUs) range of the samples older than the backfill threshold,
 * or null when there are none (the common case: one pass over the times).
 */
export function backfillRange(samples: readonly SamplePoint[], nowUs: number): [number, number] | null {
  const threshold = backfillThresholdUs(nowUs);
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const p of samples) {
    const t = p.timeUs;
    if (t >= threshold) continue;
    if (t < from) from = t;
    if (t > to) to = t;
  }
  return from === Number.POSITIVE_INFINITY ? null : [from, to + 1];
}

/** Records a backfilled range inside the caller's (the data's) transaction. */
export async function recordBackfill(client: pg.PoolClient, [fromUs, toUs]: [number, number]): Promise<void> {
  // Widened to whole minutes: bounds are kept at millisecond precision.
  const from = floorTo(fromUs, ROLLUP_1M.widthSeconds);
  const to = floorTo(toUs - 1, ROLLUP_1M.widthSeconds) + ROLLUP_1M.widthSeconds * 1e6;
  await client.query('INSERT INTO rollup_dirty (from_time, to_time) VALUES ($1, $2)', [iso(from), iso(to)]);
}

/** One `rollup_dirty` row. */
export interface BackfillRecord {
  id: string;
  fromUs: number;
  toUs: number;
}

interface DirtyRange {
  fromUs: number;
  toUs: number;
  ids: string[];
}

/** Records merged into disjoint ranges of whole minutes, ascending. */
function mergeRanges(records: readonly BackfillRecord[]): DirtyRange[] {
  const out: DirtyRange[] = [];
  for (const r of [...records].sort((a, b) => a.fromUs - b.fromUs)) {
    const fromUs = floorTo(r.fromUs, ROLLUP_1M.widthSeconds);
    const toUs = floorTo(r.toUs - 1, ROLLUP_1M.widthSeconds) + ROLLUP_1M.widthSeconds * 1e6;
    const last = out[out.length - 1];
    if (last && fromUs <= last.toUs) {
      last.toUs = Math.max(last.toUs, toUs);
      last.ids.push(r.id);
    } else out.push({ fromUs, toUs, ids: [r.id] });
  }
  return out;
}

/**
 * The oldest recorded backfill ranges (at most MAX_DIRTY_RECORDS_PER_RUN).
 * Read them BEFORE the regular refresh: their points are then visible to it.
 */
export async function loadBackfillRecords(db: Database): Promise<BackfillRecord[]> {
  const { rows } = await db.pool.query<{ id: string; from_us: number; to_us: number }>(
    `SELECT id, (extract(epoch FROM from_time) * 1000000)::float8 AS from_us,
            (extract(epoch FROM to_time) * 1000000)::float8 AS to_us
     FROM rollup_dirty ORDER BY id LIMIT $1`,
    [MAX_DIRTY_RECORDS_PER_RUN],
  );
  return rows.map((r) => ({ id: r.id, fromUs: r.from_us, toUs: r.to_us }));
}

/**
 * Recomputes the 1m then 5m and 1h buckets of `records` (from loadBackfillRecords)
 * and deletes them, each span in one transaction (a range's records go with
 * the span that finishes it, so a failed run redoes the range, idempotently).
 * `minuteWatermarkBeforeUs` is the 1m watermark read before this run's
 * regular refresh: that refresh recomputed everything from
 * `watermark − lookback` on, and with no watermark it covered every day, so
 * those parts are not recomputed twice. Returns the spans recomputed.
 */
export async function refreshBackfilledRollups(
  db: Database,
  records: readonly BackfillRecord[],
  minuteWatermarkBeforeUs: number | null,
): Promise<Array<[number, number]>> {
  if (db.mode !== 'postgres' || records.length === 0) return [];
  const reach = minuteWatermarkBeforeUs === null ? null : minuteWatermarkBeforeUs - ROLLUP_1M.lookbackSeconds * 1e6;
  const spans: Array<[number, number]> = [];
  const minuteSql = rollupSql(ROLLUP_1M);
  const coarserSql = COARSER.map((spec) => [spec, rollupSql(spec)] as const);
  const spanUs = ROLLUP_1M.spanSeconds * 1e6;
  for (const range of mergeRanges(records)) {
    const end = reach === null ? range.fromUs : Math.min(range.toUs, Math.max(range.fromUs, reach));
    const pieces: Array<[number, number]> = [];
    for (let from = range.fromUs; from < end; from += spanUs) pieces.push([from, Math.min(end, from + spanUs)]);
    if (pieces.length === 0) {
      await db.pool.query('DELETE FROM rollup_dirty WHERE id = ANY($1::bigint[])', [range.ids]);
      continue;
    }
    for (const [i, [from, to]] of pieces.entries()) {
      await withTransaction(db, 'rollup backfill', async (client) => {
        await client.query(minuteSql, [iso(from), iso(to)]);
        for (const [spec, sql] of coarserSql) {
          const [coarseFrom, coarseTo] = widened(spec, from, to);
          await client.query(sql, [iso(coarseFrom), iso(coarseTo)]);
        }
        if (i === pieces.length - 1) {
          await client.query('DELETE FROM rollup_dirty WHERE id = ANY($1::bigint[])', [range.ids]);
        }
      });
      spans.push([from, to]);
    }
  }
  return spans;
}

/**
 * TimescaleDB mode: refreshes samples_1m, then samples_5m and samples_1h, over the merged
 * ranges of `records` (widened to whole buckets) and deletes the records.
 * `refresh_continuous_aggregate` cannot run in a transaction, so the records
 * are deleted after their range is refreshed: a failure in between redoes the
 * refresh, which is idempotent. Returns the ranges refreshed.
 */
export async function refreshBackfilledAggregates(
  db: Database,
  records: readonly BackfillRecord[],
): Promise<Array<[number, number]>> {
  if (db.mode !== 'timescaledb' || records.length === 0) return [];
  const ranges = mergeRanges(records);
  for (const range of ranges) {
    await db.pool.query('CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)', [
      ROLLUP_1M.table,
      iso(range.fromUs),
      iso(range.toUs),
    ]);
    for (const spec of COARSER) {
      const [coarseFrom, coarseTo] = widened(spec, range.fromUs, range.toUs);
      await db.pool.query('CALL refresh_continuous_aggregate($1::regclass, $2::timestamptz, $3::timestamptz)', [
        spec.table,
        iso(coarseFrom),
        iso(coarseTo),
      ]);
    }
    await db.pool.query('DELETE FROM rollup_dirty WHERE id = ANY($1::bigint[])', [range.ids]);
  }
  return ranges.map((r) => [r.fromUs, r.toUs]);
}
