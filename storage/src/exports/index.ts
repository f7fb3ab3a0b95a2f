/**
 * Reads of the analysis results the API process exports to Prometheus
 * (analysis/src/exports): the latest anomaly result of every (monitor, series),
 * stored forecasts evaluated at fixed horizons, the stored time to each
 * threshold, open alerts by monitor/severity/state, when each monitor's
 * jobs last committed a result, and their recorded health (analysis_job_status). Each family is one read-only REPEATABLE READ
 * transaction under a statement timeout: one statement bounded by `limit`
 * (ordered so the most urgent survive the cut; `LIMIT limit + 1` so PostgreSQL
 * can keep a top-N heap instead of numbering every row) and, only when the cut
 * is hit, a second statement counting the rows the cut left out, on the same
 * snapshot so the count is exact. Their filters use the indexes of migrations
 * 0023 and 0012. Times are epoch ms.
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import type { Severity } from '@hydra/schema';
import { withTransaction } from '../transaction.ts';
import type { Labels } from '../types.ts';

/** The largest `limit` a read accepts. */
export const MAX_EXPORT_LIMIT = 1_000_000;
/** Longest one statement of an export read may run before PostgreSQL cancels it (the refresh then fails). */
export const EXPORT_STATEMENT_TIMEOUT_MS = 10_000;

export interface ExportWindow {
  /** epoch ms the results are judged against */
  nowMs: number;
  /** results older than this are left out */
  maxAgeMs: number;
  /** rows returned at most */
  limit: number;
  /** per statement; default EXPORT_STATEMENT_TIMEOUT_MS */
  statementTimeoutMs?: number;
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
  severity: Severity;
  crossesAt: number;
}

export interface ActiveAlertCount {
  monitor: string;
  severity: Severity;
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
  if (w.statementTimeoutMs !== undefined && !(Number.isInteger(w.statementTimeoutMs) && w.statementTimeoutMs > 0))
    throw new RangeError(`${what}: statementTimeoutMs must be a positive whole number, got ${w.statementTimeoutMs}`);
}

/**
 * `SELECT <columns> FROM … WHERE …` (the base, no ORDER BY or LIMIT) cut to `limit` rows in `order`, and how many
 * rows the cut left out: the base with `LIMIT limit + 1` first; only when that returns more than `limit` rows, a
 * `count(*)` of the base (its unused columns are not computed). One read-only REPEATABLE READ transaction, so both
 * statements see the same rows, under `SET LOCAL statement_timeout`. `params` are the base's; the limit is appended.
 */
async function cappedRead<R extends pg.QueryResultRow>(
  db: Database,
  what: string,
  w: Pick<ExportWindow, 'limit' | 'statementTimeoutMs'>,
  base: string,
  order: string,
  params: unknown[],
): Promise<{ rows: R[]; dropped: number }> {
  const timeoutMs = w.statementTimeoutMs ?? EXPORT_STATEMENT_TIMEOUT_MS;
  const options = { isolation: 'repeatable read', readOnly: true, statementTimeoutMs: timeoutMs } as const;
  return withTransaction(
    db,
    what,
    async (client) => {
      const { rows } = await client.query<R>(`${base} ORDER BY ${order} LIMIT $${params.length + 1}`, [
        ...params,
        w.limit + 1,
      ]);
      if (rows.length <= w.limit) return { rows, dropped: 0 };
      const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${base}) AS capped`, params);
      return { rows: rows.slice(0, w.limit), dropped: Math.max(0, Number(counted.rows[0]!.n) - w.limit) };
    },
    options,
  );
}

interface SeriesRow {
  monitor: string;
  series_id: string;
  metric: string;
  labels: Labels;
}

const seriesOf = (r: SeriesRow): ExportedSeries => ({
  monitor: r.monitor,
  seriesId: Number(r.series_id),
  metric: r.metric,
  labels: r.labels,
});

function capped<R, T>(read: { rows: R[]; dropped: number }, map: (r: R) => T): Capped<T> {
  return { rows: read.rows.map(map), dropped: read.dropped };
}

/**
 * The newest scored point of every (monitor, series) whose checkpoint is at most `maxAgeMs` old: the checkpoint's
 * time joined to anomaly_score on its primary key; highest scores first when `limit` cuts.
 */
export async function latestAnomalies(db: Database, w: ExportWindow): Promise<Capped<LatestAnomaly>> {
  checkWindow('latestAnomalies', w);
  const rows = await cappedRead<
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
    w,
    `SELECT c.monitor, c.series_id, ${SERIES_COLUMNS}, ${epochMs('c.last_time')} AS time,
       a.value, a.score, a.expected, a.lower, a.upper
     FROM anomaly_checkpoint c
     JOIN anomaly_score a ON a.series_id = c.series_id AND a.monitor = c.monitor AND a.time = c.last_time
     JOIN series s ON s.id = c.series_id
     JOIN metric m ON m.id = s.metric_id
     WHERE c.last_time >= ${msParam(1)}`,
    'a.score DESC NULLS LAST, c.monitor, c.series_id',
    [w.nowMs - w.maxAgeMs],
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
  const rows = await cappedRead<
    SeriesRow & { horizon_ms: number; mean: number | null; lower: number | null; upper: number | null }
  >(
    db,
    'read forecasts at horizons',
    w,
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
       CASE WHEN p.frac = 0 THEN p.upper[p.k + 1] ELSE p.upper[p.k + 1] * (1 - p.frac) + p.upper[p.k + 2] * p.frac END AS upper
     FROM picked p
     JOIN series s ON s.id = p.series_id
     JOIN metric m ON m.id = s.metric_id`,
    'p.soonest ASC NULLS LAST, p.monitor, p.series_id, p.horizon_ms',
    [w.nowMs - w.maxAgeMs, w.nowMs, [...w.horizonsMs]],
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
  const rows = await cappedRead<
    SeriesRow & {
      threshold: number;
      direction: 'above' | 'below';
      severity: ThresholdCountdown['severity'];
      crosses_at: number;
    }
  >(
    db,
    'read forecast threshold crossings',
    w,
    `SELECT f.monitor, f.series_id, ${SERIES_COLUMNS}, (t ->> 'value')::float8 AS threshold,
       t ->> 'direction' AS direction, t ->> 'severity' AS severity, (t ->> 'crossesAt')::float8 AS crosses_at
     FROM forecast f
     CROSS JOIN LATERAL jsonb_array_elements(f.thresholds) t
     JOIN series s ON s.id = f.series_id
     JOIN metric m ON m.id = s.metric_id
     WHERE f.created_at >= ${msParam(1)} AND jsonb_typeof(t -> 'crossesAt') = 'number'`,
    'crosses_at, f.monitor, f.series_id, threshold',
    [w.nowMs - w.maxAgeMs],
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
export async function activeAlertCounts(
  db: Database,
  limit: number,
  options: Pick<ExportWindow, 'statementTimeoutMs'> = {},
): Promise<Capped<ActiveAlertCount>> {
  const w = { nowMs: 0, maxAgeMs: 1, limit, ...options };
  checkWindow('activeAlertCounts', w);
  const read = await cappedRead<{ monitor: string; severity: string; state: string; n: string }>(
    db,
    'count active alerts',
    w,
    `SELECT monitor, severity, state, count(*) AS n
     FROM alert WHERE state <> 'resolved'
     GROUP BY monitor, severity, state`,
    'n DESC, monitor, severity, state',
    [],
  );
  return capped(read, (r) => ({
    monitor: r.monitor,
    severity: r.severity as ActiveAlertCount['severity'],
    state: r.state as ActiveAlertCount['state'],
    count: Number(r.n),
  }));
}

/**
 * When each monitor's anomaly job (newest checkpoint update) and forecast job (newest forecast) last committed, for
 * the jobs that committed at most `maxAgeMs` ago: checkpoints and forecasts of a deleted monitor are never deleted,
 * so without the bound a deleted monitor's last run would be exported (and look stale) forever.
 */
export async function analysisLastRuns(db: Database, w: ExportWindow): Promise<Capped<AnalysisLastRun>> {
  checkWindow('analysisLastRuns', w);
  const read = await cappedRead<{ monitor: string; kind: AnalysisLastRun['kind']; time: number }>(
    db,
    'read analysis last runs',
    w,
    `SELECT monitor, kind, ${epochMs('at')} AS time FROM (
       SELECT monitor, 'anomaly' AS kind, max(updated_at) AS at FROM anomaly_checkpoint
       WHERE updated_at >= ${msParam(1)} GROUP BY monitor
       UNION ALL
       SELECT monitor, 'forecast' AS kind, max(created_at) AS at FROM forecast
       WHERE created_at >= ${msParam(1)} GROUP BY monitor
     ) AS runs`,
    'runs.at DESC, monitor, kind',
    [w.nowMs - w.maxAgeMs],
  );
  return capped(read, (r) => ({ monitor: r.monitor, kind: r.kind, time: r.time }));
}

export interface AnalysisJobHealth {
  monitor: string;
  kind: 'anomaly' | 'forecast';
  /** epoch ms, null when no pass has succeeded yet */
  lastSuccessAt: number | null;
  consecutiveFailures: number;
  lastDurationSeconds: number;
}

/**
 * The recorded outcome of each monitor's jobs (analysis_job_status, migration 0012) whose last pass ended at most
 * `maxAgeMs` ago (a deleted monitor's row is never deleted: without the bound it would be exported forever); the
 * most consecutive failures first when `limit` cuts.
 */
export async function analysisJobHealth(db: Database, w: ExportWindow): Promise<Capped<AnalysisJobHealth>> {
  checkWindow('analysisJobHealth', w);
  const read = await cappedRead<{
    monitor: string;
    kind: AnalysisJobHealth['kind'];
    last_success_at: number | null;
    consecutive_failures: number;
    last_duration_seconds: number;
  }>(
    db,
    'read analysis job health',
    w,
    `SELECT monitor, kind, ${epochMs('last_success_at')} AS last_success_at, consecutive_failures,
       last_duration_seconds
     FROM analysis_job_status
     WHERE updated_at >= ${msParam(1)}`,
    'consecutive_failures DESC, monitor, kind',
    [w.nowMs - w.maxAgeMs],
  );
  return capped(read, (r) => ({
    monitor: r.monitor,
    kind: r.kind,
    lastSuccessAt: r.last_success_at,
    consecutiveFailures: r.consecutive_failures,
    lastDurationSeconds: r.last_duration_seconds,
  }));
}
