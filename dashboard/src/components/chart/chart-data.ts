/**
 * Turns the API's per-series points, bands, anomalies and forecasts into the
 * one row-per-timestamp table Recharts draws from.
 */

export type Point = readonly [number, number | null];

export interface ChartSeries {
  /** unique key, used as the row field */
  key: string;
  label: string;
  points: readonly (readonly (number | null)[])[];
}

/** The expected band of a detector: time, lower, upper. */
export interface BandPoint {
  t: number;
  lower: number;
  upper: number;
  expected?: number | null;
}

export interface ForecastPoint {
  t: number;
  mean: number;
  lower: number;
  upper: number;
}

export type ChartRow = Record<string, number | [number, number] | null> & { t: number };

/** Index of the last of the sorted `times` at or before `t`, or -1. */
function bucketIndex(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Merges everything into rows sorted by time. Band points are put on the series' own times (each into
 * the bucket that holds it: widest lower–upper, mean expected), so a band scored at another step than
 * the chart's never adds rows without the series' values — such rows would break the series' line into
 * isolated points. A field missing at a timestamp stays absent (a gap); a forecast adds its own rows.
 */
export function toRows(input: {
  series: readonly ChartSeries[];
  band?: readonly BandPoint[];
  forecast?: readonly ForecastPoint[];
}): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  const row = (t: number): ChartRow => {
    let r = rows.get(t);
    if (!r) {
      r = { t } as ChartRow;
      rows.set(t, r);
    }
    return r;
  };
  for (const s of input.series) {
    for (const p of s.points) {
      const [t, v] = p;
      if (typeof t !== 'number') continue;
      row(Math.round(t))[s.key] = v ?? null;
    }
  }
  const times = [...rows.keys()].sort((a, b) => a - b);
  const expectedSums = new Map<number, { sum: number; n: number }>();
  for (const b of input.band ?? []) {
    const i = bucketIndex(times, b.t);
    // before the first point of the series (or no series at all): the band keeps its own time
    const t = times.length === 0 ? b.t : i < 0 ? null : times[i]!;
    if (t === null) continue;
    const r = row(t);
    const prev = r.band as [number, number] | undefined;
    r.band = prev ? [Math.min(prev[0], b.lower), Math.max(prev[1], b.upper)] : [b.lower, b.upper];
    if (b.expected !== undefined && b.expected !== null) {
      const e = expectedSums.get(t) ?? { sum: 0, n: 0 };
      e.sum += b.expected;
      e.n += 1;
      expectedSums.set(t, e);
      r.expected = e.sum / e.n;
    }
  }
  for (const f of input.forecast ?? []) {
    const r = row(f.t);
    r.forecast = f.mean;
    r.forecastBand = [f.lower, f.upper];
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** The newest non-null point of any of the series (where a forecast continues from), or null. */
export function lastObserved(series: readonly ChartSeries[]): { t: number; value: number } | null {
  let last: { t: number; value: number } | null = null;
  for (const s of series) {
    for (const [t, v] of s.points) {
      if (typeof t === 'number' && typeof v === 'number' && Number.isFinite(v) && (last === null || t > last.t))
        last = { t, value: v };
    }
  }
  return last;
}

/**
 * The forecast drawn from the last observed point: the forecast's own points start at its first step
 * after the history it was fitted on (up to a whole forecast step after "now"), so it is anchored at the
 * newest observed point with a zero-width band, and points at or before that point are left out.
 */
export function anchoredForecast(
  forecast: readonly ForecastPoint[],
  from: { t: number; value: number } | null,
): ForecastPoint[] {
  if (!from || forecast.length === 0) return [...forecast];
  const ahead = forecast.filter((f) => f.t > from.t);
  if (ahead.length === 0) return [];
  return [{ t: from.t, mean: from.value, lower: from.value, upper: from.value }, ...ahead];
}

/** Chart colours by index, from the theme's CSS variables. */
export function seriesColor(index: number): string {
  return `var(--chart-${(index % 5) + 1})`;
}

/** Min and max of the numeric fields of the rows (for a y domain that includes bands and thresholds). */
export function valueExtent(rows: readonly ChartRow[], extra: readonly number[] = []): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    } else if (Array.isArray(v)) for (const x of v) see(x);
  };
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (k !== 't') see(v);
  for (const v of extra) see(v);
  return lo <= hi ? [lo, hi] : null;
}
