/**
 * Queries of the metrics API: range queries, metric names, label discovery.
 * One key factory; every component builds its query through these options.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { HOST_LABEL, type MetricSummaryBody, type RangeResultBody } from '@hydra/contract';
import { apiFetch } from '../api/client.ts';
import { isLive, resolveRange, stepFor, type TimeRange } from '../lib/time-range.ts';

/** How often a live (ending at "now") range panel refetches. */
export const LIVE_REFETCH_MS = 15_000;
/** Metric names and label values change rarely. */
export const DISCOVERY_STALE_MS = 60_000;
/** New hosts and metrics appear without a reload; faster while there is nothing yet (a fresh start). */
export const DISCOVERY_REFETCH_MS = 30_000;
export const DISCOVERY_REFETCH_EMPTY_MS = 5_000;

/** Refetch interval of a discovery list: short while it is empty. */
export function discoveryRefetch(data: readonly unknown[] | undefined): number {
  return data && data.length > 0 ? DISCOVERY_REFETCH_MS : DISCOVERY_REFETCH_EMPTY_MS;
}

export type Aggregation = NonNullable<RangeResultBody['aggregation']>;
export const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'];

/** A range query as the dashboard asks it: the selector, the range as written in the URL, and the step. */
export interface RangeQuery {
  name?: string;
  host?: string;
  match?: string[];
  range: TimeRange;
  /** seconds; chosen from the range when absent */
  step?: number;
  /** every stored point, not step buckets (short ranges only: the newest points' own times) */
  raw?: boolean;
  aggregation?: Aggregation;
  limit?: number;
}

/** Aggregations that add up over a bucket: a bucket still filling reads low until it ends. */
export const ADDITIVE_AGGREGATIONS: ReadonlySet<Aggregation> = new Set<Aggregation>(['rate', 'sum', 'count']);

/**
 * The result without the buckets that start before `fromMs` or end after `toMs` when the aggregation adds up over a bucket (rates,
 * sums, counts): such a bucket holds only part of its step, so drawn as a whole one the chart falls off a
 * cliff at the right edge. Averages, minima, maxima and last values of a partial bucket are kept.
 */
export function withoutPartialBuckets(result: RangeResultBody, fromMs: number, toMs: number): RangeResultBody {
  const step = result.stepSeconds;
  if (!step || !result.aggregation || !ADDITIVE_AGGREGATIONS.has(result.aggregation)) return result;
  const endsBy = toMs - step * 1000;
  return {
    ...result,
    series: result.series.map((s) => ({
      ...s,
      points: s.points.filter((p) => typeof p[0] !== 'number' || (p[0] >= fromMs && p[0] <= endsBy)),
    })),
  };
}

/** A range result with the absolute bounds it was asked for (the chart's x domain). */
export interface RangeData extends RangeResultBody {
  fromMs: number;
  toMs: number;
}

export const metricKeys = {
  all: ['metrics'] as const,
  names: () => [...metricKeys.all, 'names'] as const,
  range: (q: RangeQuery) => [...metricKeys.all, 'range', q] as const,
  labels: (metric?: string) => [...metricKeys.all, 'labels', metric ?? null] as const,
  labelValues: (label: string, metric?: string) => [...metricKeys.all, 'label-values', label, metric ?? null] as const,
};

/** Points of the matching series over the range, downsampled by the API to the step. Live ranges refetch. */
export function rangeQueryOptions(q: RangeQuery) {
  return queryOptions({
    queryKey: metricKeys.range(q),
    queryFn: async ({ signal }): Promise<RangeData> => {
      const { fromMs, toMs } = resolveRange(q.range);
      const step = q.raw ? undefined : (q.step ?? stepFor(toMs - fromMs));
      const result = await apiFetch<RangeResultBody>('/metrics', {
        params: {
          name: q.name,
          host: q.host,
          match: q.match,
          from: fromMs,
          to: toMs,
          step,
          aggregation: q.raw ? undefined : (q.aggregation ?? 'avg'),
          limit: q.limit,
        },
        signal,
      });
      return { ...withoutPartialBuckets(result, fromMs, toMs), fromMs, toMs };
    },
    refetchInterval: isLive(q.range) ? LIVE_REFETCH_MS : false,
    staleTime: isLive(q.range) ? LIVE_REFETCH_MS / 2 : Infinity,
    placeholderData: keepPreviousData,
  });
}

/** Every metric with kind, unit and series count. */
export function metricNamesQueryOptions() {
  return queryOptions({
    queryKey: metricKeys.names(),
    queryFn: ({ signal }) =>
      apiFetch<{ metrics: MetricSummaryBody[] }>('/metrics/names', { signal }).then((r) => r.metrics),
    staleTime: DISCOVERY_STALE_MS,
    refetchInterval: (query) => discoveryRefetch(query.state.data),
  });
}

/** Label names of the series of a metric (all series when absent). */
export function labelNamesQueryOptions(metric?: string) {
  return queryOptions({
    queryKey: metricKeys.labels(metric),
    queryFn: ({ signal }) =>
      apiFetch<{ labels: string[] }>('/labels', { params: { metric }, signal }).then((r) => r.labels),
    staleTime: DISCOVERY_STALE_MS,
    refetchInterval: (query) => discoveryRefetch(query.state.data),
  });
}

/** Values of one label, optionally among one metric's series. */
export function labelValuesQueryOptions(label: string, metric?: string) {
  return queryOptions({
    queryKey: metricKeys.labelValues(label, metric),
    queryFn: ({ signal }) =>
      apiFetch<{ label: string; values: string[] }>(`/labels/${encodeURIComponent(label)}/values`, {
        params: { metric },
        signal,
      }).then((r) => r.values),
    staleTime: DISCOVERY_STALE_MS,
    refetchInterval: (query) => discoveryRefetch(query.state.data),
  });
}

/** Every host that has sent metrics. */
export function hostsQueryOptions() {
  return labelValuesQueryOptions(HOST_LABEL);
}
