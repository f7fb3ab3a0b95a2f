/**
 * Writes one merged batch of points in ONE transaction on a dedicated
 * connection: binary COPY on PostgreSQL, INSERT … SELECT FROM unnest(…) in
 * chunks on PGlite (which does not take COPY FROM STDIN over the socket).
 * The caller acknowledges the batch only after this resolves (after COMMIT).
 *
 * The point tables hold one row per (series_id, time) (unique indexes,
 * migration 0006). Three paths:
 *   'copy'   — binary COPY straight into the tables: the fast path; a point
 *              already stored (an exporter retrying a write whose answer it
 *              never got) fails the whole batch with unique_violation (23505);
 *   'staged' — the writer's re-run of such a batch: binary COPY into a
 *              temporary table, then INSERT … SELECT … ON CONFLICT DO NOTHING
 *              in (series_id, time, arrival) order, so the first write of a
 *              point wins, within the batch as against the table;
 *   'insert' — PGlite: INSERT … unnest … ON CONFLICT DO NOTHING.
 * Points skipped as duplicates are counted and returned.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import pgCopy from 'pg-copy-streams';
import {
  encodeExpHistograms,
  encodeHistograms,
  encodeSamples,
  EXP_HISTOGRAM_COLUMNS,
  HISTOGRAM_COLUMNS,
  SAMPLE_COLUMNS,
} from './copy-binary.ts';
import { recordBackfill } from './rollup-backfill.ts';
import { withTransaction } from './transaction.ts';
import type { ExpHistogramPoint, HistogramPoint, SamplePoint, WriteBatch } from './types.ts';

/** Rows per INSERT … unnest statement on PGlite (bounds the statement's parameter size). */
export const UNNEST_CHUNK_ROWS = 10_000;

/** µs integer → timestamptz in SQL, exactly (no float seconds). */
const TS = (col: string): string =>
  `CASE WHEN ${col} IS NULL THEN NULL ELSE 'epoch'::timestamptz + ${col} * interval '1 microsecond' END`;

/** How a batch is written; see the file comment. */
export type CommitPath = 'copy' | 'staged' | 'insert';

/** Rows of a committed batch NOT stored because their (series_id, time) was already there or came twice. */
export interface Duplicates {
  samples: number;
  histograms: number;
  expHistograms: number;
}

export const NO_DUPLICATES: Readonly<Duplicates> = Object.freeze({ samples: 0, histograms: 0, expHistograms: 0 });

/**
 * Commits the batch in one transaction (withTransaction on the caller's
 * connection); throws the failure classified (after ROLLBACK), on the 'copy'
 * path an InvalidDataError with SQLSTATE 23505 when a point is already stored. `backfill`, when set, is the range of samples below the
 * rollups' reach, recorded in the same transaction (see rollup-backfill.ts;
 * recomputing a range whose points were all duplicates is harmless).
 * Resolves with the duplicates skipped (always none on the 'copy' path).
 */
export async function commitBatch(
  client: pg.PoolClient,
  batch: WriteBatch,
  path: CommitPath,
  backfill: [number, number] | null = null,
): Promise<Duplicates> {
  return withTransaction(client, `batch of ${rowsOf(batch)} rows`, async () => {
    let duplicates: Duplicates = NO_DUPLICATES;
    if (path === 'copy') await copyBatch(client, batch);
    else if (path === 'staged') duplicates = await stagedBatch(client, batch);
    else duplicates = await insertBatch(client, batch);
    if (backfill) await recordBackfill(client, backfill);
    return duplicates;
  });
}

function rowsOf(batch: WriteBatch): number {
  return batch.samples.length + batch.histograms.length + batch.expHistograms.length;
}

async function copyInto(client: pg.PoolClient, table: string, columns: string, payload: Buffer): Promise<void> {
  const stream = client.query(pgCopy.from(`COPY ${table} ${columns} FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from([payload]), stream);
}

/** The three point tables: where each part of a batch goes and how it is encoded for binary COPY. */
const POINT_TABLES = [
  {
    key: 'samples',
    table: 'samples',
    columns: SAMPLE_COLUMNS,
    rows: (b: WriteBatch) => b.samples.length,
    encode: (b: WriteBatch) => encodeSamples(b.samples),
  },
  {
    key: 'histograms',
    table: 'histogram_samples',
    columns: HISTOGRAM_COLUMNS,
    rows: (b: WriteBatch) => b.histograms.length,
    encode: (b: WriteBatch) => encodeHistograms(b.histograms),
  },
  {
    key: 'expHistograms',
    table: 'exp_histogram_samples',
    columns: EXP_HISTOGRAM_COLUMNS,
    rows: (b: WriteBatch) => b.expHistograms.length,
    encode: (b: WriteBatch) => encodeExpHistograms(b.expHistograms),
  },
] as const satisfies ReadonlyArray<{ key: keyof Duplicates } & Record<string, unknown>>;

async function copyBatch(client: pg.PoolClient, batch: WriteBatch): Promise<void> {
  for (const t of POINT_TABLES) if (t.rows(batch) > 0) await copyInto(client, t.table, t.columns, t.encode(batch));
}

/**
 * COPY into a temporary copy of `table` (dropped at COMMIT or ROLLBACK), then
 * INSERT … ON CONFLICT DO NOTHING into the table; returns the rows skipped.
 * Ordered by (series_id, time, arrival): the first of two identical points in
 * the batch wins, and two staged batches take their index locks in the same
 * order, so they cannot deadlock on each other.
 */
async function stageInto(
  client: pg.PoolClient,
  table: string,
  columns: string,
  payload: Buffer,
  rows: number,
): Promise<number> {
  const stage = `hydra_stage_${table}`;
  await client.query(
    `CREATE TEMPORARY TABLE ${stage} (LIKE ${table}, arrival bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  );
  await copyInto(client, stage, columns, payload);
  const res = await client.query(
    `INSERT INTO ${table} ${columns} SELECT ${columns.slice(1, -1)} FROM ${stage}
     ORDER BY series_id, time, arrival ON CONFLICT DO NOTHING`,
  );
  return rows - (res.rowCount ?? 0);
}

async function stagedBatch(client: pg.PoolClient, batch: WriteBatch): Promise<Duplicates> {
  const duplicates = { ...NO_DUPLICATES };
  for (const t of POINT_TABLES) {
    const rows = t.rows(batch);
    if (rows > 0) duplicates[t.key] = await stageInto(client, t.table, t.columns, t.encode(batch), rows);
  }
  return duplicates;
}

/** String(-0) is '0': keep the sign of zero, as binary COPY does. */
function float8Text(v: number): string | number {
  return Object.is(v, -0) ? '-0' : v;
}

function arrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

/** In chunks, each an INSERT … ON CONFLICT DO NOTHING (the first of two identical points wins); returns the rows skipped. */
async function insertBatch(client: pg.PoolClient, batch: WriteBatch): Promise<Duplicates> {
  const duplicates = { ...NO_DUPLICATES };
  for (let i = 0; i < batch.samples.length; i += UNNEST_CHUNK_ROWS) {
    const chunk = batch.samples.slice(i, i + UNNEST_CHUNK_ROWS);
    duplicates.samples += chunk.length - (await insertSamples(client, chunk));
  }
  for (let i = 0; i < batch.histograms.length; i += UNNEST_CHUNK_ROWS) {
    const chunk = batch.histograms.slice(i, i + UNNEST_CHUNK_ROWS);
    duplicates.histograms += chunk.length - (await insertHistograms(client, chunk));
  }
  for (let i = 0; i < batch.expHistograms.length; i += UNNEST_CHUNK_ROWS) {
    const chunk = batch.expHistograms.slice(i, i + UNNEST_CHUNK_ROWS);
    duplicates.expHistograms += chunk.length - (await insertExpHistograms(client, chunk));
  }
  return duplicates;
}

/** Rows an INSERT stored. */
function inserted(res: pg.QueryResult): number {
  return res.rowCount ?? 0;
}

async function insertSamples(client: pg.PoolClient, points: readonly SamplePoint[]): Promise<number> {
  const res = await client.query(
    `INSERT INTO samples ${SAMPLE_COLUMNS}
     SELECT ${TS('t')}, s, v FROM unnest($1::int8[], $2::int8[], $3::float8[]) AS u(t, s, v)
     ON CONFLICT DO NOTHING`,
    [points.map((p) => p.timeUs), points.map((p) => p.seriesId), points.map((p) => float8Text(p.value))],
  );
  return inserted(res);
}

async function insertHistograms(client: pg.PoolClient, points: readonly HistogramPoint[]): Promise<number> {
  const res = await client.query(
    `INSERT INTO histogram_samples ${HISTOGRAM_COLUMNS}
     SELECT ${TS('t')}, s, ${TS('st')}, c, su, mi, ma, b::float8[], bc::int8[]
     FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::float8[], $8::text[], $9::text[])
       AS u(t, s, st, c, su, mi, ma, b, bc)
     ON CONFLICT DO NOTHING`,
    [
      points.map((p) => p.timeUs),
      points.map((p) => p.seriesId),
      points.map((p) => p.startTimeUs),
      points.map((p) => p.count),
      points.map((p) => p.sum),
      points.map((p) => p.min),
      points.map((p) => p.max),
      points.map((p) => arrayLiteral(p.bounds)),
      points.map((p) => arrayLiteral(p.bucketCounts)),
    ],
  );
  return inserted(res);
}

async function insertExpHistograms(client: pg.PoolClient, points: readonly ExpHistogramPoint[]): Promise<number> {
  const res = await client.query(
    `INSERT INTO exp_histogram_samples ${EXP_HISTOGRAM_COLUMNS}
     SELECT ${TS('t')}, s, ${TS('st')}, c, su, mi, ma, sc, zc, zt, po, pc::int8[], no, nc::int8[]
     FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::float8[],
                 $8::int4[], $9::int8[], $10::float8[], $11::int4[], $12::text[], $13::int4[], $14::text[])
       AS u(t, s, st, c, su, mi, ma, sc, zc, zt, po, pc, no, nc)
     ON CONFLICT DO NOTHING`,
    [
      points.map((p) => p.timeUs),
      points.map((p) => p.seriesId),
      points.map((p) => p.startTimeUs),
      points.map((p) => p.count),
      points.map((p) => p.sum),
      points.map((p) => p.min),
      points.map((p) => p.max),
      points.map((p) => p.scale),
      points.map((p) => p.zeroCount),
      points.map((p) => p.zeroThreshold),
      points.map((p) => p.positiveOffset),
      points.map((p) => arrayLiteral(p.positiveCounts)),
      points.map((p) => p.negativeOffset),
      points.map((p) => arrayLiteral(p.negativeCounts)),
    ],
  );
  return inserted(res);
}
