/**
 * Per-point anomaly scores (`anomaly_score`, keyed (series_id, monitor, time)):
 * idempotent upserts so a rerun after a crash rewrites the same rows, the
 * per-series checkpoint advanced in the same transaction, and reads for the
 * dashboard. On plain PostgreSQL the table is partitioned by day; the days a
 * write needs are created first in their own short transaction.
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import { dayOfMicros, partitionName, PARTITION_LOCK_KEY } from '../partitions.ts';
import { withTransaction, query, type Queryable } from '../transaction.ts';

export const SCORE_TABLE = 'anomaly_score';
/** Rows per INSERT … unnest statement. */
export const SCORE_CHUNK_ROWS = 5_000;
/** Days remembered as having a score partition before the cache is reloaded. */
export const MAX_KNOWN_SCORE_DAYS = 4_096;

/** One scored point. NaN is stored as NULL (missing value, or not yet known). */
export interface ScoreRow {
  seriesId: number;
  /** epoch ms */
  time: number;
  value: number;
  score: number;
  expected: number;
  lower: number;
  upper: number;
}

/** Scores of one series for a given monitor, for the dashboard. */
export interface ScorePoint {
  time: number;
  value: number | null;
  score: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Creates the daily score partitions `days` need (plain PostgreSQL only); remembers what exists. */
export class ScorePartitions {
  readonly #db: Database;
  #known = new Set<number>();
  #loaded = false;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Makes sure a partition exists for the day of every epoch-ms time in `times`. */
  async ensureFor(times: Iterable<number>): Promise<void> {
    if (this.#db.mode !== 'postgres') return;
    if (!this.#loaded || this.#known.size > MAX_KNOWN_SCORE_DAYS) await this.#load();
    const days = new Set<number>();
    for (const t of times) days.add(dayOfMicros(t * 1000));
    const missing = [...days].filter((d) => !this.#known.has(d)).sort((a, b) => a - b);
    if (missing.length === 0) return;
    await withTransaction(this.#db, 'create anomaly_score partitions', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY]);
      for (const day of missing) {
        const from = new Date(day * 86_400_000).toISOString();
        const to = new Date((day + 1) * 86_400_000).toISOString();
        // The name and bounds are computed from a day number, not from input.
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${partitionName(SCORE_TABLE, day)} PARTITION OF ${SCORE_TABLE} FOR VALUES FROM ('${from}') TO ('${to}')`,
        );
      }
    });
    for (const day of missing) this.#known.add(day);
  }

  /**
   * Drops the scores of every whole day that ended before `cutoffMs`; returns the partitions (plain mode) or
   * chunks (TimescaleDB mode: one-day chunks, `drop_chunks`) dropped. In TimescaleDB mode the retention policy
   * of migration 0011 drops them too, but after a fixed 30 days: this applies the configured retention.
   */
  async dropBefore(cutoffMs: number): Promise<string[]> {
    if (this.#db.mode === 'timescaledb') {
      const dropped = await query<{ name: string }>(
        this.#db,
        'drop anomaly_score chunks',
        'SELECT drop_chunks($1::regclass, older_than => $2::timestamptz)::text AS name',
        [SCORE_TABLE, new Date(dayOfMicros(cutoffMs * 1000) * 86_400_000).toISOString()],
      );
      return dropped.map((r) => r.name);
    }
    const rows = await query<{ name: string }>(
      this.#db,
      'list anomaly_score partitions',
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [SCORE_TABLE],
    );
    const lastWholeDay = dayOfMicros(cutoffMs * 1000) - 1;
    const dropped: string[] = [];
    for (const { name } of rows) {
      const day = dayFromName(name);
      if (day === null || day > lastWholeDay) continue;
      await withTransaction(this.#db, `drop ${name}`, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY]);
        await client.query(`ALTER TABLE ${SCORE_TABLE} DETACH PARTITION ${name}`);
        await client.query(`DROP TABLE ${name}`);
      });
      dropped.push(name);
    }
    if (dropped.length > 0) this.#loaded = false;
    return dropped;
  }

  async #load(): Promise<void> {
    const rows = await query<{ name: string }>(
      this.#db,
      'list anomaly_score partitions',
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
      [SCORE_TABLE],
    );
    this.#known = new Set(rows.map((r) => dayFromName(r.name)).filter((d): d is number => d !== null));
    this.#loaded = true;
  }
}

function dayFromName(name: string): number | null {
  const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000 : null;
}

/** Upserts scores (same key → overwritten), in chunks, on the caller's transaction. */
export async function upsertScores(client: Queryable, monitor: string, rows: readonly ScoreRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SCORE_CHUNK_ROWS) {
    const chunk = rows.slice(i, i + SCORE_CHUNK_ROWS);
    await client.query(
      `INSERT INTO ${SCORE_TABLE} (time, series_id, monitor, value, score, expected, lower, upper)
       SELECT 'epoch'::timestamptz + t * interval '1 millisecond', s, $1::text, v, sc, e, lo, up
       FROM unnest($2::float8[], $3::int8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
            AS u(t, s, v, sc, e, lo, up)
       ON CONFLICT (series_id, monitor, time) DO UPDATE SET value = EXCLUDED.value, score = EXCLUDED.score,
         expected = EXCLUDED.expected, lower = EXCLUDED.lower, upper = EXCLUDED.upper`,
      [
        monitor,
        chunk.map((r) => r.time),
        chunk.map((r) => String(r.seriesId)),
        chunk.map((r) => finiteOrNull(r.value)),
        chunk.map((r) => finiteOrNull(r.score)),
        chunk.map((r) => finiteOrNull(r.expected)),
        chunk.map((r) => finiteOrNull(r.lower)),
        chunk.map((r) => finiteOrNull(r.upper)),
      ],
    );
  }
}

/** Last scored time (epoch ms) per series of `monitor`; series never scored are absent. */
export async function readCheckpoints(
  db: Database,
  monitor: string,
  seriesIds: readonly number[],
): Promise<Map<number, number>> {
  const rows = await query<{ id: string; t: number }>(
    db,
    'read anomaly checkpoints',
    `SELECT series_id AS id, (extract(epoch FROM last_time) * 1000)::float8 AS t FROM anomaly_checkpoint
     WHERE monitor = $1 AND series_id = ANY($2::int8[])`,
    [monitor, seriesIds.map(String)],
  );
  return new Map(rows.map((r) => [Number(r.id), r.t]));
}

/** Sets the checkpoint of a series (on the transaction that committed its scores); never moves it back. */
export async function advanceCheckpoint(
  client: Queryable,
  monitor: string,
  seriesId: number,
  lastTimeMs: number,
): Promise<void> {
  await client.query(
    `INSERT INTO anomaly_checkpoint (monitor, series_id, last_time, updated_at)
     VALUES ($1, $2, 'epoch'::timestamptz + $3 * interval '1 millisecond', now())
     ON CONFLICT (monitor, series_id) DO UPDATE
       SET last_time = greatest(anomaly_checkpoint.last_time, EXCLUDED.last_time), updated_at = now()`,
    [monitor, String(seriesId), lastTimeMs],
  );
}

/** Upserts a series' scores in one transaction (the checkpoint is advanced separately, afterwards). */
export async function writeScores(db: Database, monitor: string, rows: readonly ScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  await withTransaction(db, 'write anomaly scores', (client: pg.PoolClient) => upsertScores(client, monitor, rows));
}

/** Advances the checkpoint of a series (never backwards). */
export async function saveCheckpoint(
  db: Database,
  monitor: string,
  seriesId: number,
  lastTimeMs: number,
): Promise<void> {
  await advanceCheckpoint(db.pool, monitor, seriesId, lastTimeMs);
}

/** Scores of one series over [fromMs, toMs], oldest first, at most `limit` rows. */
export async function readScores(
  db: Database,
  q: { seriesId: number; monitor?: string; fromMs: number; toMs: number; limit: number },
): Promise<Array<ScorePoint & { monitor: string }>> {
  const rows = await query<{
    monitor: string;
    t: number;
    value: number | null;
    score: number | null;
    expected: number | null;
    lower: number | null;
    upper: number | null;
  }>(
    db,
    'read anomaly scores',
    `SELECT monitor, (extract(epoch FROM time) * 1000)::float8 AS t, value, score, expected, lower, upper
     FROM ${SCORE_TABLE}
     WHERE series_id = $1 AND time >= $2 AND time <= $3 AND ($4::text IS NULL OR monitor = $4)
     ORDER BY time, monitor LIMIT $5`,
    [String(q.seriesId), new Date(q.fromMs).toISOString(), new Date(q.toMs).toISOString(), q.monitor ?? null, q.limit],
  );
  return rows.map((r) => ({
    monitor: r.monitor,
    time: r.t,
    value: r.value,
    score: r.score,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
  }));
}
