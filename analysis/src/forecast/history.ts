/**
 * A series' history as the forecasters need it: read at the grid's step
 * (averages, or per-second rates for cumulative counters; coarse steps come
 * from the rollups), put on a regular grid with gaps interpolated, and its
 * seasonal periods detected. Series that cannot be forecast are returned with
 * the reason (too few points, stopped reporting, mostly gaps, histograms).
 */
import { detectSeasonality, regularize } from '@hydra/analytics';
import { queryRange, type Database, type SeriesInfo } from '@hydra/storage';
import type { ForecastGrid } from './grid.ts';

/** Fewest observed grid points a series needs to be forecast. */
export const MIN_HISTORY_POINTS = 4;
/** A series whose last point is older than this many steps before the last complete bucket has stopped reporting. */
export const STALE_AFTER_STEPS = 3;

/** A series ready to forecast: `values[k]` is the grid point at `start + k * stepMs`. */
export interface SeriesHistory {
  series: SeriesInfo;
  start: number;
  stepMs: number;
  values: number[];
  periods: number[];
  /** time and value of the last grid point */
  lastTime: number;
  lastValue: number;
  /** grid points interpolated over gaps */
  filled: number;
}

export type HistoryOutcome = { history: SeriesHistory } | { series: SeriesInfo; skipped: string };

/** Start of the last bucket that has ended at `nowMs` (the newest one safe to read). */
export function lastCompleteBucket(nowMs: number, stepMs: number): number {
  return Math.floor(nowMs / stepMs) * stepMs - stepMs;
}

/** Cumulative counters are forecast as per-second rates, everything else as step averages. */
function aggregationOf(s: SeriesInfo): 'rate' | 'avg' {
  return s.kind === 'sum' && s.temporality === 'cumulative' ? 'rate' : 'avg';
}

/**
 * Reads and prepares the histories of `series` for the window of `grid` ending at the last bucket complete
 * at `nowMs`; one range query per aggregation. Outcomes are in the order of `series`.
 */
export async function readHistories(
  db: Database,
  series: readonly SeriesInfo[],
  grid: ForecastGrid,
  nowMs: number,
): Promise<HistoryOutcome[]> {
  const lastBucket = lastCompleteBucket(nowMs, grid.stepMs);
  const from = lastBucket - grid.historyMs + grid.stepMs;
  const points = new Map<number, Array<[number, number]>>();
  const numeric = series.filter((s) => s.kind === 'gauge' || s.kind === 'sum');
  for (const aggregation of ['avg', 'rate'] as const) {
    const group = numeric.filter((s) => aggregationOf(s) === aggregation);
    if (group.length === 0) continue;
    // A rate's first bucket needs the bucket before it.
    const readFrom = aggregation === 'rate' ? from - grid.stepMs : from;
    const result = await queryRange(db, {
      matchers: [],
      seriesIds: group.map((s) => s.id),
      from: new Date(readFrom),
      to: new Date(lastBucket),
      stepSeconds: grid.stepMs / 1000,
      aggregation,
      maxSeries: group.length,
      maxPoints: group.length * (Math.ceil((lastBucket - readFrom) / grid.stepMs) + 1),
    });
    for (const s of result.series) points.set(s.id, s.points);
  }
  return series.map((s) => prepare(s, points.get(s.id), grid.stepMs, from, lastBucket));
}

function prepare(
  series: SeriesInfo,
  raw: ReadonlyArray<[number, number]> | undefined,
  stepMs: number,
  from: number,
  lastBucket: number,
): HistoryOutcome {
  if (series.kind !== 'gauge' && series.kind !== 'sum')
    return { series, skipped: `${series.kind} series are not forecast` };
  const usable = (raw ?? []).filter(([t, v]) => t >= from && t <= lastBucket && Number.isFinite(v));
  if (usable.length < MIN_HISTORY_POINTS)
    return { series, skipped: `${usable.length} points in the window, fewer than ${MIN_HISTORY_POINTS}` };
  const last = usable.at(-1) as [number, number];
  if (last[0] < lastBucket - STALE_AFTER_STEPS * stepMs)
    return { series, skipped: `no point since ${new Date(last[0]).toISOString()} (stopped reporting)` };
  let grid;
  try {
    grid = regularize(
      usable.map(([t]) => t),
      usable.map(([, v]) => v),
      stepMs,
    );
  } catch (err) {
    return { series, skipped: (err as Error).message };
  }
  const intervalSeconds = stepMs / 1000;
  const periods = detectSeasonality(grid.values, { intervalSeconds }).periods;
  return {
    history: {
      series,
      start: grid.start,
      stepMs,
      values: grid.values,
      periods,
      lastTime: grid.start + (grid.values.length - 1) * stepMs,
      lastValue: grid.values.at(-1) as number,
      filled: grid.filled,
    },
  };
}
