/**
 * Writes one merged batch of points in ONE transaction on a dedicated
 * connection: binary COPY on PostgreSQL, INSERT … SELECT FROM unnest(…) in
 * chunks on PGlite (which does not take COPY FROM STDIN over the socket).
 * The caller acknowledges the batch only after this resolves (after COMMIT).
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
import type { ExpHistogramPoint, HistogramPoint, SamplePoint, WriteBatch } from './types.ts';

/** Rows per INSERT … unnest statement on PGlite (bounds the statement's parameter size). */
export const UNNEST_CHUNK_ROWS = 10_000;

/** µs integer → timestamptz in SQL, exactly (no float seconds). */
const TS = (col: string): string =>
  `CASE WHEN ${col} IS NULL THEN NULL ELSE 'epoch'::timestamptz + ${col} * interval '1 microsecond' END`;

/**
 * Commits the batch in one transaction; throws whatever the database throws
 * (after ROLLBACK). `backfill`, when set, is the range of samples below the
 * rollups' reach, recorded in the same transaction (see rollup-backfill.ts).
 */
export async function commitBatch(
  client: pg.PoolClient,
  batch: WriteBatch,
  useCopy: boolean,
  backfill: [number, number] | null = null,
): Promise<void> {
  await client.query('BEGIN');
  try {
    if (useCopy) await copyBatch(client, batch);
    else await insertBatch(client, batch);
    if (backfill) await recordBackfill(client, backfill);
    await client.query('COMMIT');
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      throw new AggregateError([err, rollbackErr], `batch failed (${(err as Error).message}) and ROLLBACK failed too`);
    }
    throw err;
  }
}

async function copyInto(client: pg.PoolClient, table: string, columns: string, payload: Buffer): Promise<void> {
  const stream = client.query(pgCopy.from(`COPY ${table} ${columns} FROM STDIN (FORMAT binary)`));
  await pipeline(Readable.from([payload]), stream);
}

async function copyBatch(client: pg.PoolClient, batch: WriteBatch): Promise<void> {
  if (batch.samples.length > 0) await copyInto(client, 'samples', SAMPLE_COLUMNS, encodeSamples(batch.samples));
  if (batch.histograms.length > 0)
    await copyInto(client, 'histogram_samples', HISTOGRAM_COLUMNS, encodeHistograms(batch.histograms));
  if (batch.expHistograms.length > 0) {
    await copyInto(client, 'exp_histogram_samples', EXP_HISTOGRAM_COLUMNS, encodeExpHistograms(batch.expHistograms));
  }
}

/** String(-0) is '0': keep the sign of zero, as binary COPY does. */
function float8Text(v: number): string | number {
  return Object.is(v, -0) ? '-0' : v;
}

function arrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

async function insertBatch(client: pg.PoolClient, batch: WriteBatch): Promise<void> {
  for (let i = 0; i < batch.samples.length; i += UNNEST_CHUNK_ROWS) {
    await insertSamples(client, batch.samples.slice(i, i + UNNEST_CHUNK_ROWS));
  }
  for (let i = 0; i < batch.histograms.length; i += UNNEST_CHUNK_ROWS) {
    await insertHistograms(client, batch.histograms.slice(i, i + UNNEST_CHUNK_ROWS));
  }
  for (let i = 0; i < batch.expHistograms.length; i += UNNEST_CHUNK_ROWS) {
    await insertExpHistograms(client, batch.expHistograms.slice(i, i + UNNEST_CHUNK_ROWS));
  }
}

async function insertSamples(client: pg.PoolClient, points: readonly SamplePoint[]): Promise<void> {
  await client.query(
    `INSERT INTO samples ${SAMPLE_COLUMNS}
     SELECT ${TS('t')}, s, v FROM unnest($1::int8[], $2::int8[], $3::float8[]) AS u(t, s, v)`,
    [points.map((p) => p.timeUs), points.map((p) => p.seriesId), points.map((p) => float8Text(p.value))],
  );
}

async function insertHistograms(client: pg.PoolClient, points: readonly HistogramPoint[]): Promise<void> {
  await client.query(
    `INSERT INTO histogram_samples ${HISTOGRAM_COLUMNS}
     SELECT ${TS('t')}, s, ${TS('st')}, c, su, mi, ma, b::float8[], bc::int8[]
     FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::float8[], $8::text[], $9::text[])
       AS u(t, s, st, c, su, mi, ma, b, bc)`,
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
}

async function insertExpHistograms(client: pg.PoolClient, points: readonly ExpHistogramPoint[]): Promise<void> {
  await client.query(
    `INSERT INTO exp_histogram_samples ${EXP_HISTOGRAM_COLUMNS}
     SELECT ${TS('t')}, s, ${TS('st')}, c, su, mi, ma, sc, zc, zt, po, pc::int8[], no, nc::int8[]
     FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::float8[],
                 $8::int4[], $9::int8[], $10::float8[], $11::int4[], $12::text[], $13::int4[], $14::text[])
       AS u(t, s, st, c, su, mi, ma, sc, zc, zt, po, pc, no, nc)`,
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
}
