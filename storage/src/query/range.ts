/**
 * queryRange: the points of the selected series over [from, to], in ONE SQL
 * statement for numeric series (the series matched, their points and the
 * rollup's watermark in one round trip; see rangeSql); series that are
 * histograms add one statement for their raw histogram points.
 * - Without a step: raw points, refused past `maxPoints` (set a step instead).
 * - With a step: epoch-aligned date_bin buckets and an aggregation. Reads the
 *   coarsest rollup whose buckets tile the step (1h when the step is a whole
 *   number of hours, 5m of 5 minutes, 1m of minutes) for buckets before the
 *   rollup's watermark, and raw samples after it, so recent data is never
 *   missing (in TimescaleDB mode: the continuous aggregate's materialisation
 *   and its watermark, see rollupReadSql). Partial buckets from both sides are
 *   merged exactly in SQL (min, max, sum, count, last by time). A step giving
 *   more than 11,000 points per series is refused.
 * - With `aggregate` (and a step): one series per group of the `by` labels
 *   (one group without them), whose value at each step is `aggregate.op`
 *   (sum, avg, min, max, count) over the matched series' values at that step
 *   (each series' value being `aggregation` over its bucket), computed in
 *   SQL: PromQL's `sum by (host) (…)`.
 * - Histogram series: their raw histogram points, in `histograms`
 *   (exponential histograms converted to explicit bounds).
 *
 * Bounds: every read is per series (a LATERAL join driven by the
 * (series_id, time|bucket) index), so a hash holds one series' buckets
 * (≤ 11,000) and a wide query never sorts or hashes all its rows at once;
 * the read pool's work_mem and statement_timeout bound the rest (database.ts).
 */
import type { Database } from '../database.ts';
import { InvalidQueryError, QueryLimitError } from '../errors.ts';
import { noteWatermark, ROLLUP_1H, ROLLUP_1M, ROLLUP_5M, rollupReadSql, type RollupSpec } from '../rollups.ts';
import {
  AGGREGATIONS,
  CROSS_AGGREGATIONS,
  type Aggregation,
  type CrossAggregation,
  type LabelMatcher,
  type Labels,
} from '../types.ts';
import { FIELDS_FOR, type BucketField } from './bucket-sql.ts';
import { expToExplicit } from './exp-histogram.ts';
import { METRIC_NAME_LABEL, selectorSql } from './matchers.ts';
import { runQuery } from './run.ts';
import { SERIES_INFO_COLUMNS, toSeriesInfo, type SeriesInfo } from './series.ts';
import { SqlParams } from './sql-params.ts';

export const DEFAULT_MAX_SERIES = 1_000;
export const DEFAULT_MAX_POINTS = 500_000;
/** Points per series a stepped query may return (Prometheus' limit). */
export const MAX_POINTS_PER_SERIES = 11_000;
export const DEFAULT_AGGREGATION: Aggregation = 'avg';
/** Most `by` labels one cross-series aggregation may group by. */
export const MAX_GROUP_BY_LABELS = 20;

export interface RangeQuery {
  name?: string;
  matchers: LabelMatcher[];
  from: Date;
  to: Date;
  stepSeconds?: number;
  aggregation?: Aggregation;
  /** Across the matched series, per step (needs stepSeconds); `maxSeries` then bounds the series aggregated. */
  aggregate?: { op: CrossAggregation; by?: readonly string[] };
  maxSeries?: number;
  /** Ceiling on the total points returned (all series, or all groups). */
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

/** One group of a cross-series aggregation. */
export interface RangeGroup {
  /** The group's values of the `by` labels (a series without one of them is grouped as not having it). */
  labels: Labels;
  /** Series in the group. */
  series: number;
  points: Array<[number, number]>;
}

export type RangeSource = 'raw' | 'rollup_1m' | 'rollup_5m' | 'rollup_1h' | 'mixed';

export interface RangeResult {
  /** The matched series; empty when `aggregate` was asked for (see groups). */
  series: RangeSeries[];
  stepSeconds: number | null;
  aggregation: Aggregation | null;
  source: RangeSource;
  /** Only with `aggregate`. */
  aggregate?: { op: CrossAggregation; by: string[] };
  groups?: RangeGroup[];
}

interface Validated {
  fromMs: number;
  toMs: number;
  step: number | null;
  aggregation: Aggregation;
  aggregate: { op: CrossAggregation; by: string[] } | null;
  maxSeries: number;
  maxPoints: number;
  signal: AbortSignal | undefined;
}

function validateAggregate(q: RangeQuery): Validated['aggregate'] {
  if (q.aggregate === undefined) return null;
  const { op, by = [] } = q.aggregate;
  if (!CROSS_AGGREGATIONS.includes(op))
    throw new InvalidQueryError('aggregate', `'${String(op)}' is not one of ${CROSS_AGGREGATIONS.join(', ')}`);
  if (!Array.isArray(by)) throw new InvalidQueryError('by', 'must be a list of label names');
  if (by.length > MAX_GROUP_BY_LABELS)
    throw new InvalidQueryError('by', `at most ${MAX_GROUP_BY_LABELS} label names, got ${by.length}`);
  const seen = new Set<string>();
  for (const label of by) {
    if (typeof label !== 'string' || label === '') throw new InvalidQueryError('by', 'label names must be non-empty');
    if (seen.has(label)) throw new InvalidQueryError('by', `'${label}' is listed twice`);
    seen.add(label);
  }
  if (q.stepSeconds === undefined)
    throw new InvalidQueryError('stepSeconds', 'is required with aggregate (values are combined per step)');
  return { op, by: [...by] };
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
  const aggregate = validateAggregate(q);
  const maxSeries = q.maxSeries ?? DEFAULT_MAX_SERIES;
  const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isInteger(maxSeries) || maxSeries < 1)
    throw new InvalidQueryError('maxSeries', `must be a positive integer, got ${maxSeries}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 1)
    throw new InvalidQueryError('maxPoints', `must be a positive integer, got ${maxPoints}`);
  return { fromMs, toMs, step, aggregation, aggregate, maxSeries, maxPoints, signal: q.signal };
}

const HISTOGRAM_KINDS = new Set(['histogram', 'exponential_histogram']);

/**
 * Points of every series matching the query (or of every group, with
 * `aggregate`). Throws QueryLimitError (naming the ceiling and what to
 * change) past maxSeries, maxPoints or 11,000 points per series;
 * InvalidQueryError on a malformed query.
 */
export async function queryRange(db: Database, q: RangeQuery): Promise<RangeResult> {
  const v = validate(q);
  const p = new SqlParams();
  let where = selectorSql(q, p);
  if (q.seriesIds !== undefined) where += ` AND s.id = ANY(${p.add(q.seriesIds.map(String))}::int8[])`;
  const selection = `SELECT ${SERIES_INFO_COLUMNS} FROM series s JOIN metric m ON m.id = s.metric_id
     WHERE ${where} ORDER BY m.name, s.id LIMIT ${p.add(v.maxSeries + 1)}`;
  if (v.step === null) return queryRaw(db, v, selection, p);
  return queryStepped(db, v, v.step, selection, p);
}

function tooManySeries(v: Validated): QueryLimitError {
  return new QueryLimitError(
    'max_series',
    `the query matches more than ${v.maxSeries} series; add label matchers to narrow it`,
  );
}

type SelRow = Parameters<typeof toSeriesInfo>[0];

/** [t, v] pairs of the statement's parallel arrays (NULL when a series has no point). */
function zipPoints(ts: number[] | null, vs: number[] | null): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  if (!ts || !vs) return points;
  for (let i = 0; i < ts.length; i++) points.push([ts[i] as number, vs[i] as number]);
  return points;
}

async function queryRaw(db: Database, v: Validated, selection: string, p: SqlParams): Promise<RangeResult> {
  const from = p.add(new Date(v.fromMs).toISOString());
  const to = p.add(new Date(v.toMs).toISOString());
  const limit = p.add(v.maxPoints + 1);
  // The LIMIT stops the per-series reads once the budget is passed; the count says whether it was.
  const rows = await runQuery<SelRow & { ts: number[] | null; vs: number[] | null; n: number }>(
    db,
    'queryRange',
    `WITH sel AS MATERIALIZED (${selection}),
     pts AS MATERIALIZED (
       SELECT sel.id, x.time, x.value FROM sel CROSS JOIN LATERAL (
         SELECT time, value FROM samples WHERE series_id = sel.id AND time >= ${from} AND time <= ${to} ORDER BY time
       ) x LIMIT ${limit})
     SELECT sel.*, p.ts, p.vs, (SELECT count(*) FROM pts)::int AS n
     FROM sel LEFT JOIN (
       SELECT id, array_agg((extract(epoch FROM time) * 1000)::float8 ORDER BY time) AS ts, array_agg(value ORDER BY time) AS vs
       FROM pts GROUP BY id
     ) p ON p.id = sel.id
     ORDER BY sel.metric, sel.id`,
    p.values,
    v.signal,
  );
  if (rows.length > v.maxSeries) throw tooManySeries(v);
  if ((rows[0]?.n ?? 0) > v.maxPoints) {
    throw new QueryLimitError(
      'max_points',
      `the query would return more than ${v.maxPoints} raw points; set a step (e.g. 60 seconds) or narrow the time range or the matchers`,
    );
  }
  const series: RangeSeries[] = rows.map((r) => ({ ...toSeriesInfo(r), points: zipPoints(r.ts, r.vs) }));
  await fillHistogramSeries(db, series, v, rows[0]?.n ?? 0);
  return { series, stepSeconds: null, aggregation: null, source: 'raw' };
}

async function fillHistogramSeries(db: Database, series: RangeSeries[], v: Validated, used: number): Promise<void> {
  const histograms = series.filter((s) => HISTOGRAM_KINDS.has(s.kind));
  if (histograms.length > 0) await fillHistograms(db, histograms, v, v.maxPoints - used);
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

/** Raw histogram points of explicit- and exponential-histogram series, at most `budget`. */
async function fillHistograms(db: Database, series: RangeSeries[], v: Validated, budget: number): Promise<void> {
  const range = [new Date(v.fromMs).toISOString(), new Date(v.toMs).toISOString(), budget + 1];
  const common = `series_id AS id, (extract(epoch FROM time) * 1000)::float8 AS t, (extract(epoch FROM start_time) * 1000)::float8 AS st,
    count, sum, min, max`;
  const where = 'WHERE series_id = ANY($1::int8[]) AND time >= $2 AND time <= $3 ORDER BY series_id, time LIMIT $4';
  const explicit = series.filter((s) => s.kind === 'histogram');
  const exponential = series.filter((s) => s.kind === 'exponential_histogram');
  const ids = (list: readonly RangeSeries[]): string[] => list.map((s) => String(s.id));
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
  if (out.length > budget) {
    throw new QueryLimitError(
      'max_points',
      `the query would return more than ${v.maxPoints} points with its histogram points; narrow the time range or the matchers`,
    );
  }
  const map = new Map(series.map((s) => [s.id, s]));
  for (const s of series) s.histograms = [];
  for (const { id, value } of out) map.get(Number(id))?.histograms?.push(value);
}

/** The rollup ladder, coarsest first. */
const LADDER: readonly RollupSpec[] = [ROLLUP_1H, ROLLUP_5M, ROLLUP_1M];

/** The coarsest rollup whose buckets tile the step exactly. */
export function rollupForStep(stepSeconds: number): RollupSpec | null {
  return LADDER.find((r) => stepSeconds % r.widthSeconds === 0) ?? null;
}

const ROLLUP_SOURCE: Record<RollupSpec['table'], RangeSource> = {
  samples_1m: 'rollup_1m',
  samples_5m: 'rollup_5m',
  samples_1h: 'rollup_1h',
};

/** Partial-bucket columns of the rollup and raw branches, and how a bucket merges them exactly. */
const BRANCH_COLUMNS: Record<BucketField, { rollup: string; raw: string; merge: string }> = {
  min: { rollup: 'min', raw: 'value', merge: 'min(min)' },
  max: { rollup: 'max', raw: 'value', merge: 'max(max)' },
  sum: { rollup: 'sum', raw: 'value', merge: 'sum(sum)' },
  count: { rollup: 'count::float8', raw: '1::float8', merge: 'sum(count)' },
  last: { rollup: 'last', raw: 'value', merge: '(array_agg(last ORDER BY last_time DESC))[1]' },
  lt: { rollup: 'last_time', raw: 'time', merge: '(extract(epoch FROM max(last_time)) * 1000000)::float8' },
};

/** Column names of the branches: `lt` is the time of `last`, read as last_time. */
function branchName(f: BucketField): string {
  return f === 'lt' ? 'last_time' : f;
}

/**
 * SELECT (t = bucket start in epoch ms, fields…) of the series `sel.id` over
 * [lo, hi): the rollup's buckets before the split, raw samples after it,
 * merged per step bucket. `rawFloor` is a constant no later than the split
 * (a watermark seen before): it lets the planner prune older partitions.
 * `gate` is a one-time filter (the budget check): when false nothing is read.
 */
function seriesBucketsSql(
  step: number,
  fields: readonly BucketField[],
  rollup: { relation: string } | null,
  lo: string,
  hi: string,
  rawFloor: string,
  gate: string,
): string {
  const bin = (col: string): string =>
    `date_bin(make_interval(secs => ${step}), ${col}, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
  const cols = (side: 'rollup' | 'raw'): string =>
    fields.map((f) => `${BRANCH_COLUMNS[f][side]} AS ${branchName(f)}`).join(', ');
  const branches: string[] = [];
  const split = rollup ? '(SELECT split FROM cut)' : lo;
  if (rollup) {
    branches.push(`SELECT ${bin('bucket')} AS b, ${cols('rollup')} FROM ${rollup.relation}
      WHERE series_id = sel.id AND bucket >= ${lo} AND bucket < ${split} AND ${gate}`);
  }
  branches.push(`SELECT ${bin('time')} AS b, ${cols('raw')} FROM samples
      WHERE series_id = sel.id AND time >= ${split} AND time >= ${rawFloor} AND time < ${hi} AND ${gate}`);
  const merged = fields.map((f) => `${BRANCH_COLUMNS[f].merge} AS ${f}`).join(', ');
  return `SELECT (extract(epoch FROM b) * 1000)::float8 AS t, ${merged}
    FROM (${branches.join(' UNION ALL ')}) u GROUP BY b`;
}

/**
 * A series' value at one step from its merged bucket `g` (t, min, max, sum,
 * count, last, lt = time of last in epoch µs); `w` is the series' window
 * ordered by t (rate only). NULL when there is none.
 *
 * `rate` reads a series by its shape: a delta sum gives the bucket's sum per
 * second of step; a cumulative monotonic counter the per-second increase
 * between consecutive bucket lasts, where a drop is a reset (the process
 * restarted): the counter counted from 0 up to `last` after it and, before
 * it, from the previous `last` up to the highest value it reached in the
 * bucket (a monotonic counter's values before a reset are above those after
 * it, so that is `max`); without `max` the increase before the reset was lost
 * and a bucket holding a restart read as a cliff. Two resets in one bucket
 * count as one (the same on raw data and rollups). Anything else: the
 * per-second change of `last`. The first bucket has no rate (it only seeds
 * the next one), nor does a bucket whose last is not after the previous one's.
 */
function seriesValueSql(aggregation: Aggregation, step: number): string {
  switch (aggregation) {
    case 'avg':
      return 'g.sum / g.count';
    case 'min':
    case 'max':
    case 'sum':
    case 'count':
    case 'last':
      return `g.${aggregation}`;
    case 'rate': {
      const prevLast = 'lag(g.last) OVER w';
      const seconds = '((g.lt - lag(g.lt) OVER w) / 1000000)';
      return `CASE
        WHEN sel.kind = 'sum' AND sel.temporality = 'delta' THEN g.sum / ${step}
        WHEN lag(g.lt) OVER w IS NULL OR g.lt <= lag(g.lt) OVER w THEN NULL
        WHEN sel.kind = 'sum' AND sel.monotonic AND sel.temporality = 'cumulative' THEN
          (CASE WHEN g.last >= ${prevLast} THEN g.last - ${prevLast}
                ELSE greatest(0, g.max - ${prevLast}) + g.last END) / ${seconds}
        ELSE (g.last - ${prevLast}) / ${seconds}
      END`;
    }
  }
}

/**
 * SELECT (t, v) of the series `sel.id`: its value at each step from `first`
 * on (epoch ms), steps without one left out.
 */
function seriesPointsSql(aggregation: Aggregation, step: number, buckets: string, first: string): string {
  const window = aggregation === 'rate' ? ' WINDOW w AS (ORDER BY g.t)' : '';
  return `SELECT x.t, x.v FROM (
      SELECT g.t, ${seriesValueSql(aggregation, step)} AS v FROM (${buckets}) g${window}
    ) x WHERE x.t >= ${first} AND x.v IS NOT NULL`;
}

const CROSS_SQL: Record<CrossAggregation, string> = {
  sum: 'sum(v)',
  avg: 'avg(v)',
  min: 'min(v)',
  max: 'max(v)',
  count: 'count(v)::float8',
};

/** The group of a `sel` row: a jsonb object of its `by` labels (those it has). */
function groupKeySql(by: readonly string[], p: SqlParams): string {
  if (by.length === 0) return `'{}'::jsonb`;
  const pairs = by.map((label) => {
    const value = label === METRIC_NAME_LABEL ? 'sel.metric' : `sel.labels ->> ${p.add(label)}::text`;
    return `${p.add(label)}::text, ${value}`;
  });
  return `jsonb_strip_nulls(jsonb_build_object(${pairs.join(', ')}))`;
}

async function queryStepped(
  db: Database,
  v: Validated,
  step: number,
  selection: string,
  p: SqlParams,
): Promise<RangeResult> {
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
  // rate needs the bucket before the first one as its starting point
  const loMs = v.aggregation === 'rate' ? firstMs - stepMs : firstMs;
  const hiMs = lastMs + stepMs;
  const lo = `${p.add(new Date(loMs).toISOString())}::timestamptz`;
  const hi = `${p.add(new Date(hiMs).toISOString())}::timestamptz`;
  const spec = rollupForStep(step);
  const rollup = spec ? await rollupReadSql(db, spec.table) : null;
  const fields = FIELDS_FOR[v.aggregation];
  const ctes = [`sel AS MATERIALIZED (${selection})`];
  if (rollup)
    ctes.push(
      `wm AS MATERIALIZED (SELECT ${rollup.watermarkSql} AS w)`,
      `cut AS MATERIALIZED (SELECT least(greatest(coalesce((SELECT w FROM wm), ${lo}), ${lo}), ${hi}) AS split)`,
    );
  const seen = rollup?.seenWatermarkUs ?? null;
  const rawFloor = `${p.add(new Date(seen === null ? loMs : Math.max(loMs, Math.floor(seen / 1000))).toISOString())}::timestamptz`;
  const splitUs = rollup
    ? `(extract(epoch FROM (SELECT split FROM cut)) * 1000000)::float8 AS split,
       (extract(epoch FROM (SELECT w FROM wm)) * 1000000)::float8 AS wm`
    : 'NULL::float8 AS split, NULL::float8 AS wm';
  const sourceOf = (split: number | null | undefined): RangeSource => {
    if (!spec || split === null || split === undefined || split <= loMs * 1000) return 'raw';
    return split >= hiMs * 1000 ? ROLLUP_SOURCE[spec.table] : 'mixed';
  };

  if (v.aggregate) {
    const { op, by } = v.aggregate;
    // every matched series is read (up to maxSeries): nothing is gated but the series limit
    const gate = `(SELECT count(*) FROM sel) <= ${p.add(v.maxSeries)}`;
    const buckets = seriesBucketsSql(step, fields, rollup, lo, hi, rawFloor, gate);
    const key = groupKeySql(by, p);
    const first = p.add(firstMs);
    const rows = await runQuery<{
      labels: Labels;
      n: string;
      ts: number[] | null;
      vs: number[] | null;
      split: number | null;
      wm: number | null;
      total: string;
    }>(
      db,
      'queryRange',
      `WITH ${ctes.join(', ')},
       per AS (
         SELECT ${key} AS g, x.t, x.v FROM sel CROSS JOIN LATERAL (${seriesPointsSql(v.aggregation, step, buckets, first)}) x),
       steps AS (SELECT g, t, ${CROSS_SQL[op]} AS v FROM per GROUP BY g, t)
       SELECT k.g AS labels, k.n, s.ts, s.vs, ${splitUs}, (SELECT count(*) FROM sel) AS total
       FROM (SELECT ${key} AS g, count(*) AS n FROM sel GROUP BY 1) k
       LEFT JOIN (SELECT g, array_agg(t ORDER BY t) AS ts, array_agg(v ORDER BY t) AS vs FROM steps GROUP BY g) s
         ON s.g = k.g
       ORDER BY k.g`,
      p.values,
      v.signal,
    );
    if (rollup) noteWatermark(rollup, rows[0]?.wm);
    if (Number(rows[0]?.total ?? 0) > v.maxSeries) throw tooManySeries(v);
    if (rows.length * perSeries > v.maxPoints) {
      throw new QueryLimitError(
        'max_points',
        `${rows.length} groups × ${perSeries} points exceeds the limit of ${v.maxPoints} points; use a larger step, fewer by labels or narrow the range`,
      );
    }
    const groups: RangeGroup[] = rows.map((r) => ({
      labels: r.labels,
      series: Number(r.n),
      points: zipPoints(r.ts, r.vs),
    }));
    return {
      series: [],
      stepSeconds: step,
      aggregation: v.aggregation,
      source: sourceOf(rows[0]?.split),
      aggregate: { op, by },
      groups,
    };
  }

  // Past the point budget nothing is read: the statement returns the series alone and the limit is raised below.
  const gate = `(SELECT count(*) FROM sel) <= ${p.add(Math.floor(v.maxPoints / perSeries))}`;
  const buckets = seriesBucketsSql(step, fields, rollup, lo, hi, rawFloor, gate);
  const first = p.add(firstMs);
  const rows = await runQuery<
    SelRow & { ts: number[] | null; vs: number[] | null; split: number | null; wm: number | null }
  >(
    db,
    'queryRange',
    `WITH ${ctes.join(', ')}
     SELECT sel.*, ${splitUs}, b.ts, b.vs
     FROM sel LEFT JOIN LATERAL (
       SELECT array_agg(x.t ORDER BY x.t) AS ts, array_agg(x.v ORDER BY x.t) AS vs
       FROM (${seriesPointsSql(v.aggregation, step, buckets, first)}) x
     ) b ON true
     ORDER BY sel.metric, sel.id`,
    p.values,
    v.signal,
  );
  if (rollup) noteWatermark(rollup, rows[0]?.wm);
  if (rows.length > v.maxSeries) throw tooManySeries(v);
  if (perSeries * rows.length > v.maxPoints) {
    throw new QueryLimitError(
      'max_points',
      `${rows.length} series × ${perSeries} points exceeds the limit of ${v.maxPoints} points; use a larger step or narrow the range or the matchers`,
    );
  }
  const series: RangeSeries[] = rows.map((r) => ({ ...toSeriesInfo(r), points: zipPoints(r.ts, r.vs) }));
  await fillHistogramSeries(
    db,
    series,
    v,
    perSeries * (series.length - series.filter((s) => HISTOGRAM_KINDS.has(s.kind)).length),
  );
  return {
    series,
    stepSeconds: step,
    aggregation: v.aggregation,
    source: series.length === 0 ? 'raw' : sourceOf(rows[0]?.split),
  };
}
