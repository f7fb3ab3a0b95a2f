/**
 * SQL that reads step buckets as partial aggregates (see buckets.ts), from
 * raw samples, from a rollup re-binned to the step, or from a rollup whose
 * buckets already are the step. Only the columns the aggregation needs are
 * selected: the client's row parsing, not the database, dominates the cost
 * of large results.
 */
import type { Aggregation } from '../types.ts';

export type BucketField = 'min' | 'max' | 'sum' | 'count' | 'last' | 'lt';
export type BucketSource = 'raw' | 'rebinned' | 'direct';

/** Fields each aggregation reads; `last` needs its time to merge partial buckets, a counter's rate its max (resets). */
export const FIELDS_FOR: Record<Aggregation, readonly BucketField[]> = {
  avg: ['sum', 'count'],
  min: ['min'],
  max: ['max'],
  sum: ['sum'],
  count: ['count'],
  last: ['last', 'lt'],
  rate: ['sum', 'max', 'last', 'lt'],
};

const EXPRESSIONS: Record<BucketSource, Record<BucketField, string>> = {
  raw: {
    min: 'min(value)',
    max: 'max(value)',
    sum: 'sum(value)',
    count: 'count(*)',
    last: '(array_agg(value ORDER BY time DESC))[1]',
    lt: '(extract(epoch FROM max(time)) * 1000000)::float8',
  },
  rebinned: {
    min: 'min(min)',
    max: 'max(max)',
    sum: 'sum(sum)',
    count: 'sum(count)',
    last: '(array_agg(last ORDER BY last_time DESC))[1]',
    lt: '(extract(epoch FROM max(last_time)) * 1000000)::float8',
  },
  direct: {
    min: 'min',
    max: 'max',
    sum: 'sum',
    count: 'count',
    last: 'last',
    lt: '(extract(epoch FROM last_time) * 1000000)::float8',
  },
};

/**
 * SELECT of (id, t = bucket start in epoch ms, fields…) for the series in $1
 * over [$2, $3). `table` is 'samples' for raw, a rollup's relation otherwise;
 * `stepSeconds` is a validated positive integer. Grouped by the bucket's
 * timestamp, which is converted to epoch ms once per output row, not per row
 * read (`extract` computes in numeric: per input row it cost as much as the
 * aggregation).
 */
export function bucketSql(
  source: BucketSource,
  table: string,
  stepSeconds: number,
  fields: readonly BucketField[],
): string {
  const columns = fields.map((f) => `${EXPRESSIONS[source][f]} AS ${f}`).join(', ');
  if (source === 'direct') {
    return `SELECT series_id AS id, (extract(epoch FROM bucket) * 1000)::float8 AS t, ${columns} FROM ${table}
    WHERE series_id = ANY($1::int8[]) AND bucket >= $2 AND bucket < $3`;
  }
  const timeCol = source === 'raw' ? 'time' : 'bucket';
  const names = fields.join(', ');
  return `SELECT id, (extract(epoch FROM b) * 1000)::float8 AS t, ${names} FROM (
    SELECT series_id AS id, date_bin(make_interval(secs => ${stepSeconds}), ${timeCol}, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS b, ${columns}
    FROM ${table} WHERE series_id = ANY($1::int8[]) AND ${timeCol} >= $2 AND ${timeCol} < $3 GROUP BY 1, 2) g`;
}
