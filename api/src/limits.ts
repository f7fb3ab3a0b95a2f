/**
 * Ceilings on what one query may ask for. A request past them is refused with
 * a 400 that says which knob to turn (a coarser step, a narrower range, more
 * matchers), never answered with millions of points.
 */

export interface QueryLimits {
  /** Most series one GET /metrics may return. */
  maxSeries: number;
  /** Most series one GET /metrics with `aggregate` may combine (its answer is one series per group). */
  maxAggregateSeries: number;
  /** Most points (all series together) one GET /metrics may return. */
  maxPoints: number;
  /** Most points per series: (to - from) / step may not exceed it (Prometheus uses the same 11,000). */
  maxPointsPerSeries: number;
  /** Range queried when neither `from` nor `to` is given. */
  defaultRangeSeconds: number;
  /** Points per series aimed at when an aggregation is asked for without a step. */
  autoStepPoints: number;
  /** Most `match` parameters in one request. */
  maxMatchers: number;
  /** Longest regular expression accepted in a matcher. */
  maxRegexLength: number;
  /** Most series one GET /series page may list. */
  maxSeriesPage: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = Object.freeze({
  maxSeries: 1_000,
  maxAggregateSeries: 10_000,
  maxPoints: 500_000,
  maxPointsPerSeries: 11_000,
  defaultRangeSeconds: 3_600,
  autoStepPoints: 300,
  maxMatchers: 20,
  maxRegexLength: 1_024,
  maxSeriesPage: 1_000,
});

/**
 * Fills in defaults and checks every value is a positive integer.
 * @throws Error naming the limit at fault
 */
export function resolveQueryLimits(overrides: Partial<QueryLimits> = {}): QueryLimits {
  const limits: QueryLimits = { ...DEFAULT_QUERY_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof QueryLimits, number | undefined]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_QUERY_LIMITS)) throw new Error(`queryLimits.${String(key)} is not a known limit`);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`queryLimits.${key} must be a positive integer; got ${String(value)}`);
    }
    limits[key] = value;
  }
  return Object.freeze(limits);
}
