/**
 * queryRange: the points of the selected series over [from, to].
 * - Without a step: raw points, refused past `maxPoints` (set a step instead).
 * - With a step: epoch-aligned date_bin buckets and an aggregation. Reads the
 *   coarsest rollup the step allows (1h when the step is a whole number of
 *   hours, 1m when a whole number of minutes) for buckets before the rollup's
 *   watermark, and raw samples after it, so recent data is never missing (in
 *   TimescaleDB mode: the continuous aggregate's materialisation and its
 *   watermark, see rollupRead).
 *   Partial buckets from both sides are merged exactly (min, max, sum, count,
 *   last by time). A step giving more than 11,000 points per series is refused.
 * - Histogram series: their raw histogram points, in `histograms`
 *   (exponential histograms converted to explicit bounds).
 */
import type { Database } from '../database.ts';
import { InvalidQueryError, QueryLimitError } from '../errors.ts';
import { ROLLUP_1H, ROLLUP_1M, rollupRead, type RollupSpec } from '../rollups.ts';
import { AGGREGATIONS, type Aggregation, type LabelMatcher } from '../types.ts';
import { bucketSql, FIELDS_FOR } from './bucket-sql.ts';
import { aggregateBuckets, mergeBucket, type Bucket } from './buckets.ts';
import { expToExplicit } from './exp-histogram.ts';
import { selectorSql } from './matchers.ts';
import { runQuery } from './run.ts';
import { SERIES_INFO_COLUMNS, toSeriesInfo, type SeriesInfo } from './series.ts';
import { SqlParams } from './sql-params.ts';

export const DEFAULT_MAX_SERIES = 1_000;
export const DEFAULT_MAX_POINTS = 500_000;
/** Points per series a stepped query may return (Prometheus' limit). */
export const MAX_POINTS_PER_SERIES = 11_000;
export const DEFAULT_AGGREGATION: Aggregation = 'avg';

export interface RangeQuery {
  name?: string;
  matchers: LabelMatcher[];
  from: Date;
  to: Date;
  stepSeconds?: number;
  aggregation?: Aggregation;
  maxSeries?: number;
  /** Ceiling on the total points returned (all series). */
  maxPoints?: number;
  /** Only these series ids (besides name and matchers): the analysis jobs page through a selector by id. */
  seriesIds?: readonly number[];
  /** Aborted when the client went away: the running statement is cancelled (see runQuery). */
  signal?: AbortSignal;
}

export interface HistogramValue {
  t: number;
  startT: number | null;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  bounds: number[];
  bucketCounts: number[];
}

export interface RangeSeries extends SeriesInfo {
  /** [epoch ms (may carry a µs fraction), value] */
  points: Array<[number, number]>;
  histograms?: HistogramValue[];
}

export interface RangeResult {
  series: RangeSeries[];
  stepSeconds: number | null;
  aggregation: Aggregation | null;
  source: 'raw' | 'rollup_1m' | 'rollup_1h' | 'mixed';
}

interface Validated {
  fromMs: number;
  toMs: number;
  step: number | null;
  aggregation: Aggregation;
  maxSeries: number;
  maxPoints: number;
  signal: AbortSignal | undefined;
}

function validate(q: RangeQuery): Validated {
  const fromMs = q.from instanceof Date ? q.from.getTime() : Number.NaN;
  const toMs = q.to instanceof Date ? q.to.getTime() : Number.NaN;
  if (Number.isNaN(fromMs)) throw new InvalidQueryError('from', 'must be a valid time');
  if (Number.isNaN(toMs)) throw new InvalidQueryError('to', 'must be a valid time');
  if (toMs < fromMs) throw new InvalidQueryError('to', `must not be before from (${q.from.toISOString()})`);
  const step = q.stepSeconds ?? null;
  if (step !== null && !(Number.isInteger(step) && step > 0)) {
    throw new InvalidQueryError('stepSeconds', `must be a positive whole number of seconds, got ${step}`);
  }
  const aggregation = q.aggregation ?? DEFAULT_AGGREGATION;
  if (!AGGREGATIONS.includes(aggregation))
    throw new InvalidQueryError('aggregation', `'${String(aggregation)}' is not one of ${AGGREGATIONS.join(', ')}`);
  const maxSeries = q.maxSeries ?? DEFAULT_MAX_SERIES;
  const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new InvalidQueryError('maxSeries', `must be a positive integer, got ${maxSeries}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new InvalidQueryError('maxPoints', `must be a positive integer, got ${maxPoints}`);
  return { fromMs, toMs, step, aggregation, maxSeries, maxPoints, signal: q.signal };
}

/**
 * Points of every series matching the query. Throws QueryLimitError (naming
 * the ceiling and what to change) past maxSeries, maxPoints or 11,000 points
 * per series; InvalidQueryError on a malformed query.
 */
export async function queryRange(db: Database, q: RangeQuery): Promise<RangeResult> {
  const v = validate(q);
  const p = new SqlParams();
  let where = selectorSql(q, p);
  if (q.seriesIds !== undefined) where += ` AND s.id = ANY(${p.add(q.seriesIds.map(String))}::int8[])`;
  const rows = await runQuery<Parameters<typeof toSeriesInfo>[0]>(
    db,
    'queryRange',
    `SELECT ${SERIES_INFO_COLUMNS} FROM series s JOIN metric m ON m.id = s.metric_id
     WHERE ${where} ORDER BY m.name, s.id LIMIT ${p.add(v.maxSeries + 1)}`,
    p.values,
    v.signal,
  );
  if (rows.length > v.maxSeries) {
    throw new QueryLimitError(
      'max_series',
      `the query matches more than ${v.maxSeries} series; add label matchers to narrow it`,
    );
  }
  const series: RangeSeries[] = rows.map((r) => ({ ...toSeriesInfo(r), points: [] }));
  const numeric = series.filter((s) => s.kind !== 'histogram' && s.kind !== 'exponential_histogram');
  const histograms = series.filter((s) => s.kind === 'histogram' || s.kind === 'exponential_histogram');
  let budget = v.maxPoints;
  if (histograms.length > 0) budget -= await fillHistograms(db, histograms, v);
  if (v.step === null) {
    await fillRaw(db, numeric, v, budget);
    return { series, stepSeconds: null, aggregation: null, source: 'raw' };
  }
  const source = await fillStepped(db, numeric, v, v.step, budget);
  return { series, stepSeconds: v.step, aggregation: v.aggregation, source };
}

function ids(series: readonly RangeSeries[]): string[] {
  return series.map((s) => String(s.id));
}

function byId(series: readonly RangeSeries[]): Map<number, RangeSeries> {
  return new Map(series.map((s) => [s.id, s]));
}

async function fillRaw(db: Database, series: RangeSeries[], v: Validated, budget: number): Promise<void> {
  if (series.length === 0) return;
  const rows = await runQuery<{ id: string; t: number; value: number }>(
    db,
    'queryRange',
    `SELECT series_id AS id, (extract(epoch FROM time) * 1000)::float8 AS t, value FROM samples
     WHERE series_id = ANY($1::int8[]) AND time >= $2 AND time <= $3 ORDER BY series_id, time LIMIT $4`,
    [ids(series), new Date(v.fromMs).toISOString(), new Date(v.toMs).toISOString(), budget + 1],
    v.signal,
  );
  if (rows.length > budget) {
    throw new QueryLimitError(
      'max_points',
      `the query would return more than ${v.maxPoints} raw points; set a step (e.g. 60 seconds) or narrow the time range or the matchers`,
    );
  }
  const map = byId(series);
  for (const r of rows) map.get(Number(r.id))?.points.push([r.t, r.value]);
}

interface HistogramRow {
  id: string;
  t: number;
  st: number | null;
  count: string;
  sum: number | null;
  min: number | null;
  max: number | null;
}

/** Raw histogram points of explicit- and exponential-histogram series; returns how many. */
async function fillHistograms(db: Database, series: RangeSeries[], v: Validated): Promise<number> {
  const range = [new Date(v.fromMs).toISOString(), new Date(v.toMs).toISOString(), v.maxPoints + 1];
  const common = `series_id AS id, (extract(epoch FROM time) * 1000)::float8 AS t, (extract(epoch FROM start_time) * 1000)::float8 AS st,
    count, sum, min, max`;
  const where = 'WHERE series_id = ANY($1::int8[]) AND time >= $2 AND time <= $3 ORDER BY series_id, time LIMIT $4';
  const explicit = series.filter((s) => s.kind === 'histogram');
  const exponential = series.filter((s) => s.kind === 'exponential_histogram');
  const out: Array<{ id: string; value: HistogramValue }> = [];
  const toValue = (r: HistogramRow, buckets: { bounds: number[]; bucketCounts: number[] }): HistogramValue => ({
    t: r.t,
    startT: r.st,
    count: Number(r.count),
    sum: r.sum,
    min: r.min,
    max: r.max,
    ...buckets,
  });
  if (explicit.length > 0) {
    const rows = await runQuery<HistogramRow & { bounds: number[]; bc: string[] }>(
      db,
      'queryRange',
      `SELECT ${common}, bounds, bucket_counts AS bc FROM histogram_samples ${where}`,
      [ids(explicit), ...range],
      v.signal,
    );
    for (const r of rows)
      out.push({ id: r.id, value: toValue(r, { bounds: r.bounds, bucketCounts: r.bc.map(Number) }) });
  }
  if (exponential.length > 0) {
    const rows = await runQuery<
      HistogramRow & { scale: number; zc: string; zt: number; po: number; pc: string[]; no: number; nc: string[] }
    >(
      db,
      'queryRange',
      `SELECT ${common}, scale, zero_count AS zc, zero_threshold AS zt, positive_offset AS po, positive_counts AS pc,
              negative_offset AS no, negative_counts AS nc
       FROM exp_histogram_samples ${where}`,
      [ids(exponential), ...range],
      v.signal,
    );
    for (const r of rows) {
      const buckets = expToExplicit({
        scale: r.scale,
        zeroCount: Number(r.zc),
        zeroThreshold: r.zt,
        positiveOffset: r.po,
        positiveCounts: r.pc.map(Number),
        negativeOffset: r.no,
        negativeCounts: r.nc.map(Number),
      });
      out.push({ id: r.id, value: toValue(r, buckets) });
    }
  }
  if (out.length > v.maxPoints) {
    throw new QueryLimitError(
      'max_points',
      `the query would return more than ${v.maxPoints} histogram points; narrow the time range or the matchers`,
    );
  }
  const map = byId(series);
  for (const s of [...explicit, ...exponential]) s.histograms = [];
  for (const { id, value } of out) map.get(Number(id))?.histograms?.push(value);
  return out.length;
}

/** The coarsest rollup whose buckets tile the step exactly. */
export function rollupForStep(stepSeconds: number): RollupSpec | null {
  if (stepSeconds % ROLLUP_1H.widthSeconds === 0) return ROLLUP_1H;
  if (stepSeconds % ROLLUP_1M.widthSeconds === 0) return ROLLUP_1M;
  return null;
}

interface BucketRow {
  id: string;
  t: number;
  min?: number;
  max?: number;
  sum?: number;
  count?: string;
  last?: number;
  lt?: number;
}

async function fillStepped(
  db: Database,
  series: RangeSeries[],
  v: Validated,
  step: number,
  budget: number,
): Promise<RangeResult['source']> {
  const stepMs = step * 1000;
  const firstMs = Math.floor(v.fromMs / stepMs) * stepMs;
  const lastMs = Math.floor(v.toMs / stepMs) * stepMs;
  const perSeries = (lastMs - firstMs) / stepMs + 1;
  if (perSeries > MAX_POINTS_PER_SERIES) {
    const minStep = Math.ceil((v.toMs - v.fromMs) / 1000 / (MAX_POINTS_PER_SERIES - 1));
    throw new QueryLimitError(
      'max_points_per_series',
      `a step of ${step} s gives ${perSeries} points per series, more than ${MAX_POINTS_PER_SERIES}; use a step of at least ${minStep} s or narrow the range`,
    );
  }
  if (perSeries * series.length > budget) {
    throw new QueryLimitError(
      'max_points',
      `${series.length} series × ${perSeries} points exceeds the limit of ${v.maxPoints} points; use a larger step or narrow the range or the matchers`,
    );
  }
  if (series.length === 0) return 'raw';
  // rate needs the bucket before the first one as its starting point
  const loUs = (v.aggregation === 'rate' ? firstMs - stepMs : firstMs) * 1000;
  const hiUs = (lastMs + stepMs) * 1000;
  const rollup = rollupForStep(step);
  const read = rollup ? await rollupRead(db, rollup.table) : null;
  const watermark = read?.watermarkUs ?? null;
  const splitUs = watermark === null ? loUs : Math.min(Math.max(watermark, loUs), hiUs);
  const parts: BucketRow[][] = [];
  const fields = FIELDS_FOR[v.aggregation];
  const seriesIds = ids(series);
  if (rollup && read && splitUs > loUs) {
    const source = step === rollup.widthSeconds ? 'direct' : 'rebinned';
    const sql = bucketSql(source, read.relation, step, fields);
    parts.push(await runQuery<BucketRow>(db, 'queryRange', sql, [seriesIds, isoUs(loUs), isoUs(splitUs)], v.signal));
  }
  if (splitUs < hiUs) {
    const sql = bucketSql('raw', 'samples', step, fields);
    parts.push(await runQuery<BucketRow>(db, 'queryRange', sql, [seriesIds, isoUs(splitUs), isoUs(hiUs)], v.signal));
  }
  const buckets = new Map<number, Map<number, Bucket>>();
  for (const rows of parts) {
    for (const r of rows) {
      const id = Number(r.id);
      // fields the aggregation does not read stay 0: they are never looked at
      const b: Bucket = {
        t: r.t,
        min: r.min ?? 0,
        max: r.max ?? 0,
        sum: r.sum ?? 0,
        count: r.count === undefined ? 0 : Number(r.count),
        last: r.last ?? 0,
        lastTimeUs: r.lt ?? 0,
      };
      let perId = buckets.get(id);
      if (!perId) buckets.set(id, (perId = new Map()));
      const existing = perId.get(b.t);
      perId.set(b.t, existing ? mergeBucket(existing, b) : b);
    }
  }
  for (const s of series) {
    const sorted = [...(buckets.get(s.id)?.values() ?? [])].sort((a, b) => a.t - b.t);
    s.points = aggregateBuckets(sorted, v.aggregation, step, firstMs, s);
  }
  if (!rollup || splitUs <= loUs) return 'raw';
  if (splitUs >= hiUs) return rollup.table === 'samples_1h' ? 'rollup_1h' : 'rollup_1m';
  return 'mixed';
}

function isoUs(us: number): string {
  return new Date(us / 1000).toISOString();
}
