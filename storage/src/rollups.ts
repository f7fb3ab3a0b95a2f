/**
 * Rollups in plain PostgreSQL mode: samples_1m from raw samples, samples_5m
 * and samples_1h from samples_1m, each driven by a watermark (`covered_until`: every bucket
 * before it is complete). A refresh recomputes WHOLE buckets from
 * `watermark - lookback` up to the last settled bucket with date_bin + INSERT
 * … ON CONFLICT DO UPDATE, so it is idempotent and re-covers late data that
 * arrives within the lookback. samples_1h has no lookback of its own: it
 * recomputes the hours that the samples_1m refresh touched (`dirtyFromUs`)
 * plus any newly completed hour, so it reads at most one hour of 1m rows per
 * run except when catching up (samples_5m the same). Work is cut into spans, each its own short
 * transaction that also advances the watermark.
 *
 * In TimescaleDB mode the same names are continuous aggregates refreshed by
 * policies, with real-time aggregation on; queries read their materialisation
 * up to its watermark and raw samples after it (rollupRead).
 */
import type { Database } from './database.ts';
import { PartitionManager } from './partitions.ts';
import { withTransaction } from './transaction.ts';

export interface RollupSpec {
  table: 'samples_1m' | 'samples_5m' | 'samples_1h';
  widthSeconds: number;
  /** Re-covered before the watermark on every refresh, for late data (1m only; 5m and 1h follow what 1m touched). */
  lookbackSeconds: number;
  /** Longest time span one statement (one transaction) covers. */
  spanSeconds: number;
}

export const ROLLUP_1M: RollupSpec = {
  table: 'samples_1m',
  widthSeconds: 60,
  lookbackSeconds: 10 * 60,
  spanSeconds: 6 * 3600,
};
/**
 * Serves steps of whole 5 minutes that are not whole hours (the 10, 15, 20 and 30 minutes of week-long
 * dashboards): a 20-minute step over 7 days re-binned 10,080 one-minute rows per series, 2,016 from here.
 */
export const ROLLUP_5M: RollupSpec = {
  table: 'samples_5m',
  widthSeconds: 300,
  lookbackSeconds: 0,
  spanSeconds: 7 * 86_400,
};
export const ROLLUP_1H: RollupSpec = {
  table: 'samples_1h',
  widthSeconds: 3600,
  lookbackSeconds: 0,
  spanSeconds: 7 * 86_400,
};
/** A raw bucket is rolled up only once it ended this long ago (points arrive a little late). */
export const DEFAULT_ROLLUP_SETTLE_SECONDS = 60;

const MERGE = `ON CONFLICT (series_id, bucket) DO UPDATE SET min = EXCLUDED.min, max = EXCLUDED.max, sum = EXCLUDED.sum,
  count = EXCLUDED.count, last = EXCLUDED.last, last_time = EXCLUDED.last_time`;

/** INSERT … SELECT that recomputes the rollup's buckets in [$1, $2) (samples_1m from samples, the others from samples_1m). */
export function rollupSql(spec: RollupSpec): string {
  const bin = (col: string): string =>
    `date_bin(INTERVAL '${spec.widthSeconds} seconds', ${col}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
  if (spec.table === 'samples_1m') {
    return `INSERT INTO samples_1m (series_id, bucket, min, max, sum, count, last, last_time)
      SELECT series_id, ${bin('time')}, min(value), max(value), sum(value), count(*), (array_agg(value ORDER BY time DESC))[1], max(time)
      FROM samples WHERE time >= $1 AND time < $2 GROUP BY 1, 2 ${MERGE}`;
  }
  return `INSERT INTO ${spec.table} (series_id, bucket, min, max, sum, count, last, last_time)
    SELECT series_id, ${bin('bucket')}, min(min), max(max), sum(sum), sum(count), (array_agg(last ORDER BY last_time DESC))[1], max(last_time)
    FROM samples_1m WHERE bucket >= $1 AND bucket < $2 GROUP BY 1, 2 ${MERGE}`;
}

/** ISO string of a µs timestamp (millisecond precision: rollup bounds are whole buckets). */
export function iso(us: number): string {
  return new Date(us / 1000).toISOString();
}

/** `us` floored to a multiple of `seconds` since the epoch. */
export function floorTo(us: number, seconds: number): number {
  const width = seconds * 1e6;
  return Math.floor(us / width) * width;
}

/** Where a query reads a rollup's complete buckets, and up to when. */
export interface RollupRead {
  /** The relation holding the rollup's rows: the table (plain mode), the continuous aggregate's materialisation. */
  relation: string;
  /** Epoch µs before which every bucket is there; null when nothing is rolled up yet. */
  watermarkUs: number | null;
}

/**
 * Plain mode: the rollup table and its `rollup_watermark`. TimescaleDB mode: the continuous aggregate's
 * materialisation hypertable and its watermark (`cagg_watermark`: every bucket before it is materialised) — the
 * two halves of what the real-time view unions, so that the query layer reads them as it reads plain mode's
 * rollup and raw samples: each half planned alone with its own chunk exclusion, the partial buckets merged
 * exactly, instead of the view's union of an aggregation over every raw chunk past the watermark planned on every
 * read. The view itself stays real-time for SQL users.
 */
export async function rollupRead(db: Database, table: RollupSpec['table']): Promise<RollupRead> {
  if (db.mode === 'timescaledb') {
    const res = await db.pool.query<{ relation: string; us: number | null }>(
      `SELECT format('%I.%I', h.schema_name, h.table_name) AS relation,
              (extract(epoch FROM _timescaledb_functions.to_timestamp(
                 _timescaledb_functions.cagg_watermark(c.mat_hypertable_id))) * 1000000)::float8 AS us
       FROM _timescaledb_catalog.continuous_agg c JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
       WHERE c.user_view_schema = current_schema() AND c.user_view_name = $1`,
      [table],
    );
    const row = res.rows[0];
    if (!row) throw new Error(`rollupRead: no continuous aggregate ${table} in the current schema (is it migrated?)`);
    // an empty aggregate's watermark is the lowest time TimescaleDB represents (4714 BC)
    const watermarkUs = row.us !== null && Number.isFinite(row.us) && row.us > MIN_WATERMARK_US ? row.us : null;
    return { relation: row.relation, watermarkUs };
  }
  const res = await db.pool.query<{ us: number }>(
    `SELECT (extract(epoch FROM covered_until) * 1000000)::float8 AS us FROM rollup_watermark WHERE rollup = $1`,
    [table],
  );
  return { relation: table, watermarkUs: res.rows[0]?.us ?? null };
}

/** What one statement needs to read a rollup's complete buckets (see RollupRead), without a round trip of its own. */
export interface RollupReadSql {
  relation: string;
  /** A scalar SQL expression: the timestamptz before which every bucket is there, NULL when nothing is. */
  watermarkSql: string;
  /**
   * The highest watermark (epoch µs) a statement has read, null before the first: watermarks only move forward, so
   * the query layer may bound its raw-sample branch by it as a constant, which lets the planner prune the point
   * tables' older partitions (chunks) when it plans, instead of planning a scan of every one. Set with noteWatermark.
   */
  seenWatermarkUs: number | null;
}

/** Records a watermark a statement read (see RollupReadSql.seenWatermarkUs). */
export function noteWatermark(read: RollupReadSql, us: number | null | undefined): void {
  if (typeof us === 'number' && Number.isFinite(us) && us > (read.seenWatermarkUs ?? Number.NEGATIVE_INFINITY))
    read.seenWatermarkUs = us;
}

const readSqlCache = new WeakMap<Database, Map<RollupSpec['table'], RollupReadSql>>();

/**
 * RollupRead as SQL, for the query layer's single statement: plain mode reads `rollup_watermark` in the
 * statement; TimescaleDB mode calls `cagg_watermark` on the aggregate's materialisation, whose relation and id are
 * looked up once per Database and table (they change only when the aggregate is dropped and created again, which a
 * migration does with the process stopped).
 */
export async function rollupReadSql(db: Database, table: RollupSpec['table']): Promise<RollupReadSql> {
  let perDb = readSqlCache.get(db);
  if (!perDb) readSqlCache.set(db, (perDb = new Map()));
  const cached = perDb.get(table);
  if (cached) return cached;
  let read: RollupReadSql;
  if (db.mode === 'timescaledb') {
    const res = await db.pool.query<{ relation: string; id: number }>(
      `SELECT format('%I.%I', h.schema_name, h.table_name) AS relation, c.mat_hypertable_id AS id
       FROM _timescaledb_catalog.continuous_agg c JOIN _timescaledb_catalog.hypertable h ON h.id = c.mat_hypertable_id
       WHERE c.user_view_schema = current_schema() AND c.user_view_name = $1`,
      [table],
    );
    const row = res.rows[0];
    if (!row)
      throw new Error(`rollupReadSql: no continuous aggregate ${table} in the current schema (is it migrated?)`);
    // an empty aggregate's watermark is the lowest time TimescaleDB represents (4714 BC): NULL
    read = {
      seenWatermarkUs: null,
      relation: row.relation,
      watermarkSql: `(SELECT CASE WHEN w > TIMESTAMPTZ '0001-01-01 00:00:00+00' THEN w END FROM (SELECT
        _timescaledb_functions.to_timestamp(_timescaledb_functions.cagg_watermark(${Number(row.id)})) AS w) wm)`,
    };
  } else {
    read = {
      relation: table,
      watermarkSql: `(SELECT covered_until FROM rollup_watermark WHERE rollup = '${table}')`,
      seenWatermarkUs: null,
    };
  }
  perDb.set(table, read);
  return read;
}

/** A watermark before year 1 is TimescaleDB's "nothing materialised". */
const MIN_WATERMARK_US = -62_135_596_800e6;

/** The time (epoch µs) before which the rollup is complete, null when nothing is rolled up yet (see rollupRead). */
export async function rollupWatermarkUs(db: Database, table: RollupSpec['table']): Promise<number | null> {
  return (await rollupRead(db, table)).watermarkUs;
}

/**
 * Brings one rollup up to date (plain PostgreSQL mode). `dirtyFromUs` (for
 * samples_5m and samples_1h) is where the 1m rollup's refresh started: coarser buckets
 * from there on are recomputed too. Returns the spans recomputed, as
 * [fromUs, toUs) pairs.
 */
export async function refreshRollup(
  db: Database,
  spec: RollupSpec,
  nowUs: number,
  settleSeconds: number = DEFAULT_ROLLUP_SETTLE_SECONDS,
  dirtyFromUs?: number,
): Promise<Array<[number, number]>> {
  if (db.mode !== 'postgres') return [];
  const watermark = await rollupWatermarkUs(db, spec.table);
  let end = floorTo(nowUs - settleSeconds * 1e6, spec.widthSeconds);
  if (spec.table !== 'samples_1m') {
    const minute = await rollupWatermarkUs(db, 'samples_1m');
    if (minute === null) return [];
    end = Math.min(end, floorTo(minute, spec.widthSeconds));
  }
  let start: number;
  if (watermark === null) {
    const days = await new PartitionManager(db).listDays();
    if (days.length === 0) return [];
    start = (days[0] as number) * 86_400e6;
  } else {
    start = watermark - spec.lookbackSeconds * 1e6;
    if (dirtyFromUs !== undefined) start = Math.min(start, floorTo(dirtyFromUs, spec.widthSeconds));
  }
  const spans: Array<[number, number]> = [];
  const sql = rollupSql(spec);
  for (let from = start; from < end;) {
    const to = Math.min(end, from + spec.spanSeconds * 1e6);
    await withTransaction(db, `refresh ${spec.table}`, async (client) => {
      await client.query(sql, [iso(from), iso(to)]);
      await client.query(
        `INSERT INTO rollup_watermark (rollup, covered_until, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (rollup) DO UPDATE SET covered_until = greatest(rollup_watermark.covered_until, EXCLUDED.covered_until), updated_at = now()`,
        [spec.table, iso(to)],
      );
    });
    spans.push([from, to]);
    from = to;
  }
  return spans;
}

/** Deletes a rollup's rows before the cutoff (plain PostgreSQL mode). Returns rows deleted. */
export async function pruneRollup(db: Database, spec: RollupSpec, cutoffUs: number): Promise<number> {
  if (db.mode !== 'postgres') return 0;
  const res = await db.pool.query(`DELETE FROM ${spec.table} WHERE bucket < $1`, [
    iso(floorTo(cutoffUs, spec.widthSeconds)),
  ]);
  return res.rowCount ?? 0;
}
