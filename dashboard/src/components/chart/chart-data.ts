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

export interface AnomalyMarker {
  t: number;
  value: number;
  score: number;
}

export interface ForecastPoint {
  t: number;
  mean: number;
  lower: number;
  upper: number;
}

export type ChartRow = Record<string, number | [number, number] | null> & { t: number };

/** Merges everything into rows sorted by time; a field missing at a timestamp stays absent (a gap). */
export function toRows(input: {
  series: readonly ChartSeries[];
  band?: readonly BandPoint[];
  anomalies?: readonly AnomalyMarker[];
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
  for (const b of input.band ?? []) {
    const r = row(b.t);
    r.band = [b.lower, b.upper];
    if (b.expected !== undefined && b.expected !== null) r.expected = b.expected;
  }
  for (const a of input.anomalies ?? []) row(a.t).anomaly = a.value;
  for (const f of input.forecast ?? []) {
    const r = row(f.t);
    r.forecast = f.mean;
    r.forecastBand = [f.lower, f.upper];
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
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
