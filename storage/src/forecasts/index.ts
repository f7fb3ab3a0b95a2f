/**
 * Stored forecasts (`forecast`, one row per (monitor, series)): the forecast
 * job replaces a series' row on every run, so a rerun is idempotent and only
 * the latest forecast is kept; rows of series no longer forecast are pruned
 * once older than a cutoff; GET /predictions reads the newest row of a series.
 * A forecast is stored as arrays on a regular grid: point k is at
 * `firstTime + k * stepMs`.
 */
import type { Severity } from '@hydra/schema';
import type { Database } from '../database.ts';
import { withTransaction, query, type Queryable } from '../transaction.ts';

export const FORECAST_TABLE = 'forecast';
/** Longest forecast stored (points per series): a horizon beyond it is a caller bug. */
export const MAX_STORED_FORECAST_POINTS = 10_000;
/** Most series read by one `readForecasts` call. */
export const MAX_FORECASTS_READ = 1_000;

/** One threshold of the forecasting monitor and when the forecast's mean crosses it. */
export interface ForecastThreshold {
  value: number;
  direction: 'above' | 'below';
  severity: Severity;
  /**
   * epoch ms when the mean forecast crosses the threshold; the last observed time when the series is already
   * past it; null when it does not cross within the horizon or the estimate is suppressed (poor fit, fallback)
   */
  crossesAt: number | null;
}

/** Most thresholds stored with one forecast (the schema allows fewer). */
export const MAX_STORED_THRESHOLDS = 100;

/** A candidate model the automatic choice skipped, and why. */
export interface SkippedCandidate {
  model: string;
  reason: string;
}

/** Most skipped candidates stored with one forecast. */
export const MAX_STORED_SKIPPED = 50;

/** The latest forecast of one series by one monitor. Times are epoch ms. */
export interface StoredForecast {
  monitor: string;
  seriesId: number;
  createdAt: number;
  /** the model that produced the forecast (`seasonal-naive` after a fallback) */
  model: string;
  description: string;
  /** holdout MASE of the model (fit quality); null when it was not measured */
  holdoutMase: number | null;
  /** holdout MASE of the seasonal-naive baseline on the same windows; null when not measured */
  baselineMase: number | null;
  /** set when the chosen model failed and the baseline was stored instead */
  fallback: { from: string; reason: string } | null;
  /** candidates of the automatic choice that could not be used, each with why (empty or absent: none) */
  skipped?: SkippedCandidate[];
  /** central coverage of the band, e.g. 0.95 */
  level: number;
  stepMs: number;
  /** time of the first forecast point */
  firstTime: number;
  /** time of the last observed (grid) point the forecast starts from */
  lastObservedTime: number;
  lastValue: number | null;
  /** points of history the model was fitted on */
  historyPoints: number;
  /** seasonal periods used, in steps */
  periods: number[];
  /** non-finite values are stored as null */
  mean: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  /** the monitor's thresholds with their crossing times (empty or absent: none) */
  thresholds?: ForecastThreshold[];
}

interface ForecastRow {
  monitor: string;
  series_id: string;
  created_at: number;
  model: string;
  description: string;
  holdout_mase: number | null;
  baseline_mase: number | null;
  fallback_from: string | null;
  fallback_reason: string | null;
  level: number;
  step_ms: string;
  first_time: number;
  last_observed_time: number;
  last_value: number | null;
  history_points: number;
  periods: number[];
  mean: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  thresholds: ForecastThreshold[];
  skipped: SkippedCandidate[];
}

const finiteOrNull = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);
const msToTimestamp = (column: number): string => `'epoch'::timestamptz + $${column} * interval '1 millisecond'`;
const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;

/** @throws RangeError naming the field when a forecast cannot be stored as given */
function validate(f: StoredForecast): void {
  const n = f.mean.length;
  if (n === 0) throw new RangeError(`forecast of series ${f.seriesId}: mean is empty`);
  if (n > MAX_STORED_FORECAST_POINTS)
    throw new RangeError(
      `forecast of series ${f.seriesId}: ${n} points exceed the limit of ${MAX_STORED_FORECAST_POINTS}`,
    );
  if (f.lower.length !== n || f.upper.length !== n)
    throw new RangeError(
      `forecast of series ${f.seriesId}: lower (${f.lower.length}) and upper (${f.upper.length}) must have ${n} points like mean`,
    );
  if (!(f.stepMs > 0))
    throw new RangeError(`forecast of series ${f.seriesId}: stepMs must be positive, got ${f.stepMs}`);
  if (!(f.level > 0 && f.level < 1))
    throw new RangeError(`forecast of series ${f.seriesId}: level must be in (0, 1), got ${f.level}`);
  if ((f.skipped ?? []).length > MAX_STORED_SKIPPED)
    throw new RangeError(
      `forecast of series ${f.seriesId}: ${f.skipped?.length} skipped candidates exceed the limit of ${MAX_STORED_SKIPPED}`,
    );
  const thresholds = f.thresholds ?? [];
  if (thresholds.length > MAX_STORED_THRESHOLDS)
    throw new RangeError(
      `forecast of series ${f.seriesId}: ${thresholds.length} thresholds exceed the limit of ${MAX_STORED_THRESHOLDS}`,
    );
  for (const t of thresholds) {
    if (!Number.isFinite(t.value))
      throw new RangeError(`forecast of series ${f.seriesId}: threshold value must be finite, got ${t.value}`);
    if (t.crossesAt !== null && !Number.isFinite(t.crossesAt))
      throw new RangeError(
        `forecast of series ${f.seriesId}: crossesAt of threshold ${t.value} must be finite or null`,
      );
  }
}

/** Replaces the stored forecast of (monitor, series) with `f`, on the caller's connection or transaction. */
export async function upsertForecast(client: Queryable, f: StoredForecast): Promise<void> {
  validate(f);
  await client.query(
    `INSERT INTO ${FORECAST_TABLE} (monitor, series_id, created_at, model, description, holdout_mase, fallback_from,
       fallback_reason, level, step_ms, first_time, last_observed_time, last_value, history_points, periods, mean,
       lower, upper, baseline_mase, thresholds, skipped)
     VALUES ($1, $2, ${msToTimestamp(3)}, $4, $5, $6, $7, $8, $9, $10, ${msToTimestamp(11)}, ${msToTimestamp(12)},
       $13, $14, $15::int4[], $16::float8[], $17::float8[], $18::float8[], $19, $20::jsonb, $21::jsonb)
     ON CONFLICT (monitor, series_id) DO UPDATE SET created_at = EXCLUDED.created_at, model = EXCLUDED.model,
       description = EXCLUDED.description, holdout_mase = EXCLUDED.holdout_mase,
       fallback_from = EXCLUDED.fallback_from, fallback_reason = EXCLUDED.fallback_reason, level = EXCLUDED.level,
       step_ms = EXCLUDED.step_ms, first_time = EXCLUDED.first_time,
       last_observed_time = EXCLUDED.last_observed_time, last_value = EXCLUDED.last_value,
       history_points = EXCLUDED.history_points, periods = EXCLUDED.periods, mean = EXCLUDED.mean,
       lower = EXCLUDED.lower, upper = EXCLUDED.upper, baseline_mase = EXCLUDED.baseline_mase,
       thresholds = EXCLUDED.thresholds, skipped = EXCLUDED.skipped`,
    [
      f.monitor,
      String(f.seriesId),
      f.createdAt,
      f.model,
      f.description,
      finiteOrNull(f.holdoutMase),
      f.fallback?.from ?? null,
      f.fallback?.reason ?? null,
      f.level,
      Math.round(f.stepMs),
      f.firstTime,
      f.lastObservedTime,
      finiteOrNull(f.lastValue),
      f.historyPoints,
      f.periods,
      f.mean.map(finiteOrNull),
      f.lower.map(finiteOrNull),
      f.upper.map(finiteOrNull),
      finiteOrNull(f.baselineMase),
      JSON.stringify(
        (f.thresholds ?? []).map((t) => ({
          value: t.value,
          direction: t.direction,
          severity: t.severity,
          crossesAt: t.crossesAt,
        })),
      ),
      JSON.stringify((f.skipped ?? []).map((k) => ({ model: k.model, reason: k.reason }))),
    ],
  );
}

/** Stores the forecasts of one job page in one short transaction (each replaces its series' previous one). */
export async function writeForecasts(db: Database, forecasts: readonly StoredForecast[]): Promise<void> {
  if (forecasts.length === 0) return;
  forecasts.forEach(validate);
  await withTransaction(db, 'write forecasts', async (client) => {
    for (const f of forecasts) await upsertForecast(client, f);
  });
}

/**
 * The newest stored forecast of each of `seriesIds` (of `monitor` when given, else of any monitor),
 * keyed by series id; series without one are absent.
 * @throws RangeError when more than MAX_FORECASTS_READ series are asked for
 */
export async function readForecasts(
  db: Database,
  q: { seriesIds: readonly number[]; monitor?: string },
): Promise<Map<number, StoredForecast>> {
  if (q.seriesIds.length > MAX_FORECASTS_READ)
    throw new RangeError(`readForecasts: at most ${MAX_FORECASTS_READ} series per call, got ${q.seriesIds.length}`);
  if (q.seriesIds.length === 0) return new Map();
  const rows = await query<ForecastRow>(
    db,
    'read forecasts',
    `SELECT DISTINCT ON (series_id) monitor, series_id, ${epochMs('created_at')}, model, description, holdout_mase, baseline_mase,
       fallback_from, fallback_reason, level, step_ms, ${epochMs('first_time')}, ${epochMs('last_observed_time')},
       last_value, history_points, periods, mean, lower, upper, thresholds, skipped
     FROM ${FORECAST_TABLE}
     WHERE series_id = ANY($1::int8[]) AND ($2::text IS NULL OR monitor = $2)
     ORDER BY series_id, created_at DESC, monitor`,
    [q.seriesIds.map(String), q.monitor ?? null],
  );
  return new Map(rows.map((r) => [Number(r.series_id), fromRow(r)]));
}

/** Deletes the forecasts of `monitor` created before `cutoffMs` (series no longer forecast); returns how many. */
export async function pruneForecasts(db: Database, monitor: string, cutoffMs: number): Promise<number> {
  const rows = await query<{ n: string }>(
    db,
    'prune forecasts',
    `WITH gone AS (DELETE FROM ${FORECAST_TABLE} WHERE monitor = $1 AND created_at < ${msToTimestamp(2)} RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [monitor, cutoffMs],
  );
  return Number(rows[0]?.n ?? 0);
}

function fromRow(r: ForecastRow): StoredForecast {
  return {
    monitor: r.monitor,
    seriesId: Number(r.series_id),
    createdAt: r.created_at,
    model: r.model,
    description: r.description,
    holdoutMase: r.holdout_mase,
    baselineMase: r.baseline_mase,
    fallback: r.fallback_from === null ? null : { from: r.fallback_from, reason: r.fallback_reason ?? '' },
    level: r.level,
    stepMs: Number(r.step_ms),
    firstTime: r.first_time,
    lastObservedTime: r.last_observed_time,
    lastValue: r.last_value,
    historyPoints: r.history_points,
    periods: r.periods,
    mean: r.mean,
    lower: r.lower,
    upper: r.upper,
    thresholds: r.thresholds,
    skipped: r.skipped,
  };
}
export { seriesByIds, MAX_SERIES_BY_IDS } from './series.ts';
