/**
 * Reads of the analysis results the API process exports to Prometheus
 * (api/src/exports): the latest anomaly result of every (monitor, series),
 * stored forecasts evaluated at fixed horizons, the stored time to each
 * threshold, open alerts by monitor/severity/state, and when each monitor's
 * jobs last committed a result. Each family is one statement; the series-level
 * ones are bounded by `limit` (ordered so the most urgent survive the cut) and
 * return the number of rows the cut left out. Times are epoch ms.
 */
import type { Database } from '../database.ts';
import { query } from '../analysis/transaction.ts';
import type { Labels } from '../types.ts';

/** The largest `limit` a read accepts. */
export const MAX_EXPORT_LIMIT = 1_000_000;

export interface ExportWindow {
  /** epoch ms the results are judged against */
  nowMs: number;
  /** results older than this are left out */
  maxAgeMs: number;
  /** rows returned at most */
  limit: number;
}

/** A series as a monitor sees it. */
export interface ExportedSeries {
  monitor: string;
  seriesId: number;
  metric: string;
  labels: Labels;
}

export interface LatestAnomaly extends ExportedSeries {
  /** the checkpoint: time of the newest scored point */
  time: number;
  value: number | null;
  score: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ForecastAtHorizon extends ExportedSeries {
  horizonMs: number;
  mean: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ThresholdCountdown extends ExportedSeries {
  threshold: number;
  direction: 'above' | 'below';
  severity: 'info' | 'warning' | 'critical';
  crossesAt: number;
}

export interface ActiveAlertCount {
  monitor: string;
  severity: 'info' | 'warning' | 'critical';
  state: 'pending' | 'firing';
  count: number;
}

export interface AnalysisLastRun {
  monitor: string;
  kind: 'anomaly' | 'forecast';
  time: number;
}

/** Rows of one family after the cap, and how many the cap left out. */
export interface Capped<T> {
  rows: T[];
  dropped: number;
}

const SERIES_COLUMNS = 's.labels, m.name AS metric';
const msParam = (n: number): string => `'epoch'::timestamptz + $${n}::float8 * interval '1 millisecond'`;
const epochMs = (expr: string): string => `(extract(epoch FROM ${expr}) * 1000)::float8`;

function checkWindow(what: string, w: ExportWindow): void {
  if (!Number.isFinite(w.nowMs)) throw new RangeError(`${what}: nowMs must be finite, got ${w.nowMs}`);
  if (!(w.maxAgeMs > 0)) throw new RangeError(`${what}: maxAgeMs must be positive, got ${w.maxAgeMs}`);
  if (!Number.isInteger(w.limit) || w.limit < 0 || w.limit > MAX_EXPORT_LIMIT)
    throw new RangeError(`${what}: limit must be a whole number in 0…${MAX_EXPORT_LIMIT}, got ${w.limit}`);
}

interface SeriesRow {
  monitor: string;
  series_id: string;
  metric: string;
  labels: Labels;
  total: string;
}

const seriesOf = (r: SeriesRow): ExportedSeries => ({
  monitor: r.monitor,
  seriesId: Number(r.series_id),
  metric: r.metric,
  labels: r.labels,
});

function capped<R extends SeriesRow, T>(rows: R[], map: (r: R) => T): Capped<T> {
  const total = rows.length === 0 ? 0 : Number(rows[0]!.total);
  return { rows: rows.map(map), dropped: Math.max(0, total - rows.length) };
}

/**
 * The newest scored point of every (monitor, series) whose checkpoint is at most `maxAgeMs` old: the checkpoint's
 * time joined to anomaly_score on its primary key; highest scores first when `limit` cuts.
 */
export async function latestAnomalies(db: Database, w: ExportWindow): Promise<Capped<LatestAnomaly>> {
  checkWindow('latestAnomalies', w);
  const rows = await query<
    SeriesRow & {
      time: number;
      value: number | null;
      score: number | null;
      expected: number | null;
      lower: number | null;
      upper: number | null;
    }
  >(
    db,
    'read latest anomaly results',
    `SELECT c.monitor, c.series_id, ${SERIES_COLUMNS}, ${epochMs('c.last_time')} AS time,
       a.value, a.score, a.expected, a.lower, a.upper, count(*) OVER () AS total
     FROM anomaly_checkpoint c
     JOIN anomaly_score a ON a.series_id = c.series_id AND a.monitor = c.monitor AND a.time = c.last_time
     JOIN series s ON s.id = c.series_id
     JOIN metric m ON m.id = s.metric_id
     WHERE c.last_time >= ${msParam(1)}
     ORDER BY a.score DESC NULLS LAST, c.monitor, c.series_id
     LIMIT $2`,
    [w.nowMs - w.maxAgeMs, w.limit],
  );
  return capped(rows, (r) => ({
    ...seriesOf(r),
    time: r.time,
    value: r.value,
    score: r.score,
    expected: r.expected,
    lower: r.lower,
    upper: r.upper,
  }));
}

/**
 * Every stored forecast created at most `maxAgeMs` ago, evaluated at now + each of `horizonsMs`: linear
 * interpolation between the two grid points around that time (the grid point itself when it falls on one).
 * A time before the forecast's first point or past its last is left out, and so is a null neighbour. Forecasts
 * with the soonest threshold crossing come first when `limit` (rows = forecasts × horizons) cuts.
 */
export async function forecastsAtHorizons(
  db: Database,
  w: ExportWindow & { horizonsMs: readonly number[] },
): Promise<Capped<ForecastAtHorizon>> {
  checkWindow('forecastsAtHorizons', w);
  for (const h of w.horizonsMs)
    if (!(Number.isFinite(h) && h >= 0))
      throw new RangeError(`forecastsAtHorizons: horizons must be non-negative, got ${h}`);
  if (w.horizonsMs.length === 0) return { rows: [], dropped: 0 };
  const rows = await query<
    SeriesRow & { horizon_ms: number; mean: number | null; lower: number | null; upper: number | null }
  >(
    db,
    'read forecasts at horizons',
    `WITH fresh AS (
       SELECT f.monitor, f.series_id, f.mean, f.lower, f.upper, cardinality(f.mean) AS n,
         ${epochMs('f.first_time')} AS first_ms, f.step_ms::float8 AS step_ms,
         (SELECT min((t ->> 'crossesAt')::float8) FROM jsonb_array_elements(f.thresholds) t) AS soonest
       FROM forecast f
       WHERE f.created_at >= ${msParam(1)}
     ), at AS (
       SELECT fresh.*, h.horizon_ms, (($2::float8 + h.horizon_ms) - first_ms) / step_ms AS pos
       FROM fresh CROSS JOIN unnest($3::float8[]) AS h(horizon_ms)
     ), picked AS (
       SELECT at.*, floor(pos)::int AS k, pos - floor(pos) AS frac FROM at WHERE pos >= 0 AND pos <= n - 1
     )
     SELECT p.monitor, p.series_id, ${SERIES_COLUMNS}, p.horizon_ms,
       CASE WHEN p.frac = 0 THEN p.mean[p.k + 1] ELSE p.mean[p.k + 1] * (1 - p.frac) + p.mean[p.k + 2] * p.frac END AS mean,
       CASE WHEN p.frac = 0 THEN p.lower[p.k + 1] ELSE p.lower[p.k + 1] * (1 - p.frac) + p.lower[p.k + 2] * p.frac END AS lower,
       CASE WHEN p.frac = 0 THEN p.upper[p.k + 1] ELSE p.upper[p.k + 1] * (1 - p.frac) + p.upper[p.k + 2] * p.frac END AS upper,
       count(*) OVER () AS total
     FROM picked p
     JOIN series s ON s.id = p.series_id
     JOIN metric m ON m.id = s.metric_id
     ORDER BY p.soonest ASC NULLS LAST, p.monitor, p.series_id, p.horizon_ms
     LIMIT $4`,
    [w.nowMs - w.maxAgeMs, w.nowMs, [...w.horizonsMs], w.limit],
  );
  return capped(rows, (r) => ({
    ...seriesOf(r),
    horizonMs: Number(r.horizon_ms),
    mean: r.mean,
    lower: r.lower,
    upper: r.upper,
  }));
}

/**
 * The stored crossing time of every threshold of every forecast created at most `maxAgeMs` ago that crosses
 * (the forecast job stores them with the forecast); soonest first when `limit` cuts.
 */
export async function thresholdCountdowns(db: Database, w: ExportWindow): Promise<Capped<ThresholdCountdown>> {
  checkWindow('thresholdCountdowns', w);
  const rows = await query<
    SeriesRow & {
      threshold: number;
      direction: 'above' | 'below';
      severity: ThresholdCountdown['severity'];
      crosses_at: number;
    }
  >(
    db,
    'read forecast threshold crossings',
    `SELECT f.monitor, f.series_id, ${SERIES_COLUMNS}, (t ->> 'value')::float8 AS threshold,
       t ->> 'direction' AS direction, t ->> 'severity' AS severity, (t ->> 'crossesAt')::float8 AS crosses_at,
       count(*) OVER () AS total
     FROM forecast f
     CROSS JOIN LATERAL jsonb_array_elements(f.thresholds) t
     JOIN series s ON s.id = f.series_id
     JOIN metric m ON m.id = s.metric_id
     WHERE f.created_at >= ${msParam(1)} AND jsonb_typeof(t -> 'crossesAt') = 'number'
     ORDER BY crosses_at, f.monitor, f.series_id, threshold
     LIMIT $2`,
    [w.nowMs - w.maxAgeMs, w.limit],
  );
  return capped(rows, (r) => ({
    ...seriesOf(r),
    threshold: r.threshold,
    direction: r.direction,
    severity: r.severity,
    crossesAt: r.crosses_at,
  }));
}

/** Unresolved alerts per (monitor, severity, state), most numerous first, at most `limit` groups. */
export async function activeAlertCounts(db: Database, limit: number): Promise<Capped<ActiveAlertCount>> {
  checkWindow('activeAlertCounts', { nowMs: 0, maxAgeMs: 1, limit });
  const rows = await query<{ monitor: string; severity: string; state: string; n: string; total: string }>(
    db,
    'count active alerts',
    `SELECT monitor, severity, state, count(*) AS n, count(*) OVER () AS total
     FROM alert WHERE state <> 'resolved'
     GROUP BY monitor, severity, state
     ORDER BY n DESC, monitor, severity, state
     LIMIT $1`,
    [limit],
  );
  const total = rows.length === 0 ? 0 : Number(rows[0]!.total);
  return {
    rows: rows.map((r) => ({
      monitor: r.monitor,
      severity: r.severity as ActiveAlertCount['severity'],
      state: r.state as ActiveAlertCount['state'],
      count: Number(r.n),
    })),
    dropped: Math.max(0, total - rows.length),
  };
}

/**
 * When each monitor's anomaly job (newest checkpoint update) and forecast job (newest forecast) last committed, for
 * the jobs that committed at most `maxAgeMs` ago: checkpoints and forecasts of a deleted monitor are never deleted,
 * so without the bound a deleted monitor's last run would be exported (and look stale) forever.
 */
export async function analysisLastRuns(db: Database, w: ExportWindow): Promise<Capped<AnalysisLastRun>> {
  checkWindow('analysisLastRuns', w);
  const rows = await query<{ monitor: string; kind: AnalysisLastRun['kind']; time: number; total: string }>(
    db,
    'read analysis last runs',
    `WITH runs AS (
       SELECT monitor, 'anomaly' AS kind, max(updated_at) AS at FROM anomaly_checkpoint
       WHERE updated_at >= ${msParam(1)} GROUP BY monitor
       UNION ALL
       SELECT monitor, 'forecast' AS kind, max(created_at) AS at FROM forecast
       WHERE created_at >= ${msParam(1)} GROUP BY monitor
     )
     SELECT monitor, kind, ${epochMs('at')} AS time, count(*) OVER () AS total
     FROM runs ORDER BY at DESC, monitor, kind LIMIT $2`,
    [w.nowMs - w.maxAgeMs, w.limit],
  );
  const total = rows.length === 0 ? 0 : Number(rows[0]!.total);
  return {
    rows: rows.map((r) => ({ monitor: r.monitor, kind: r.kind, time: r.time })),
    dropped: Math.max(0, total - rows.length),
  };
}
