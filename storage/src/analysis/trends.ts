/**
 * Trend statistics per metric and host over a window, against the window
 * before it: avg, min, max, p95, stddev, slope (least squares, per second),
 * the change of the average, and how many points the anomaly jobs flagged.
 * Cumulative counters are turned into per-second rates first (a drop is a
 * reset). Raw samples are read, so the window is bounded by the caller.
 */
import type { Database } from '../database.ts';
import { selectorSql } from '../query/matchers.ts';
import { SqlParams } from '../query/sql-params.ts';
import type { LabelMatcher } from '../types.ts';
import { QueryLimitError } from '../errors.ts';
import { runQuery } from '../query/run.ts';
import { HOST_LABEL } from '@hydra/schema';

/**
 * Values beyond ±1e150 (and NaN, ±Infinity: PostgreSQL's NaN is greater than every
 * number) are left out of the statistics: the squares that stddev and the slope sum
 * would overflow a double, and the query would fail for every series it selects.
 */
export const TREND_MAX_ABS_VALUE = 1e150;
const TREND_MAX_ABS_VALUE_SQL = `'${TREND_MAX_ABS_VALUE}'::float8`;
/** A score strictly above this counts as an anomaly (the detectors' ANOMALY_THRESHOLD). */
export const TREND_ANOMALY_THRESHOLD = 0.5;

export interface TrendQuery {
  name?: string;
  matchers: LabelMatcher[];
  fromMs: number;
  toMs: number;
  /** most (metric, host) groups returned */
  limit: number;
  /** Most series the selector may match (raw samples of each are read); past it a QueryLimitError. */
  maxSeries?: number;
  /** Aborted when the client went away: the statement is cancelled (see runQuery). */
  signal?: AbortSignal;
}

export interface TrendRow {
  metric: string;
  host: string | null;
  series: number;
  count: number;
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
  stddev: number | null;
  /** units per second */
  slope: number | null;
  previousAvg: number | null;
  /** (avg - previousAvg) / |previousAvg|, null without a previous window or when it averaged 0 */
  change: number | null;
  anomalies: number;
}

interface Row {
  metric: string;
  host: string | null;
  series: string;
  n: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  p95: number | null;
  stddev: number | null;
  slope: number | null;
  prev_avg: number | null;
  anomalies: string | null;
}

/** Statistics of every (metric, host) group the selector matches, ordered by metric then host. */
export async function queryTrends(db: Database, q: TrendQuery): Promise<TrendRow[]> {
  const p = new SqlParams();
  const where = selectorSql({ ...(q.name === undefined ? {} : { name: q.name }), matchers: q.matchers }, p);
  const host = p.add(HOST_LABEL);
  const from = p.add(new Date(q.fromMs).toISOString());
  const to = p.add(new Date(q.toMs).toISOString());
  const prevFrom = p.add(new Date(2 * q.fromMs - q.toMs).toISOString());
  const threshold = p.add(TREND_ANOMALY_THRESHOLD);
  const limit = p.add(q.limit);
  if (q.maxSeries !== undefined) {
    const cp = new SqlParams();
    const matched = selectorSql({ ...(q.name === undefined ? {} : { name: q.name }), matchers: q.matchers }, cp);
    const max = cp.add(q.maxSeries + 1);
    const [counted] = await runQuery<{ n: number }>(
      db,
      'queryTrends',
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM series s JOIN metric m ON m.id = s.metric_id
        WHERE m.kind IN ('gauge', 'sum') AND ${matched} LIMIT ${max}) AS matched`,
      cp.values,
      q.signal,
    );
    if ((counted?.n ?? 0) > q.maxSeries) {
      throw new QueryLimitError(
        'max_series',
        `the selector matches more than ${q.maxSeries} series; name a metric or add label matchers to narrow it`,
      );
    }
  }
  const rows = await runQuery<Row>(
    db,
    'queryTrends',
    `WITH sel AS (
       SELECT s.id, m.name AS metric, s.labels ->> ${host}::text AS host,
              (m.kind = 'sum' AND m.temporality = 'cumulative') AS counter
       FROM series s JOIN metric m ON m.id = s.metric_id
       WHERE m.kind IN ('gauge', 'sum') AND ${where}
     ), pts AS (
       SELECT sel.metric, sel.host, x.series_id, x.time, x.time >= ${from}::timestamptz AS cur,
              CASE WHEN NOT sel.counter THEN x.value
                   ELSE (CASE WHEN x.value >= lag(x.value) OVER w THEN x.value - lag(x.value) OVER w ELSE x.value END)
                        / nullif(extract(epoch FROM x.time - lag(x.time) OVER w), 0) END AS v
       FROM sel JOIN samples x ON x.series_id = sel.id AND x.time >= ${prevFrom}::timestamptz AND x.time <= ${to}::timestamptz
       WINDOW w AS (PARTITION BY x.series_id ORDER BY x.time)
     ), stats AS (
       SELECT metric, host, count(DISTINCT series_id) AS series,
              count(*) FILTER (WHERE cur) AS n,
              avg(v) FILTER (WHERE cur) AS avg, min(v) FILTER (WHERE cur) AS min, max(v) FILTER (WHERE cur) AS max,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY v) FILTER (WHERE cur) AS p95,
              stddev_samp(v) FILTER (WHERE cur) AS stddev,
              regr_slope(v, extract(epoch FROM time)) FILTER (WHERE cur) AS slope,
              avg(v) FILTER (WHERE NOT cur) AS prev_avg
       FROM pts WHERE v IS NOT NULL AND abs(v) <= ${TREND_MAX_ABS_VALUE_SQL} GROUP BY metric, host
     ), anomalies AS (
       SELECT sel.metric, sel.host, count(*) AS anomalies
       FROM sel JOIN anomaly_score a ON a.series_id = sel.id
       WHERE a.time >= ${from}::timestamptz AND a.time <= ${to}::timestamptz AND a.score > ${threshold}::float8
       GROUP BY sel.metric, sel.host
     )
     SELECT stats.*, anomalies.anomalies FROM stats
     LEFT JOIN anomalies ON anomalies.metric = stats.metric AND anomalies.host IS NOT DISTINCT FROM stats.host
     WHERE stats.n > 0
     ORDER BY stats.metric, stats.host NULLS LAST LIMIT ${limit}`,
    p.values,
    q.signal,
  );
  return rows.map((r) => {
    const change =
      r.avg !== null && r.prev_avg !== null && r.prev_avg !== 0 ? (r.avg - r.prev_avg) / Math.abs(r.prev_avg) : null;
    return {
      metric: r.metric,
      host: r.host,
      series: Number(r.series),
      count: Number(r.n),
      avg: r.avg,
      min: r.min,
      max: r.max,
      p95: r.p95,
      stddev: r.stddev,
      slope: r.slope,
      previousAvg: r.prev_avg,
      change,
      anomalies: Number(r.anomalies ?? 0),
    };
  });
}
