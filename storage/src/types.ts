/**
 * The shapes every package agrees on. A data point travels as
 * receiver → SeriesRef + points → SeriesRegistry (id) → BatchWriter (commit).
 *
 * Times are microseconds since the Unix epoch, held in a JS number (exact up
 * to year 2255); PostgreSQL's timestamptz has the same resolution.
 */

export type MetricKind = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export type Temporality = 'unspecified' | 'delta' | 'cumulative';

/** OTLP's identifying properties of a metric stream (data-model "OTLP data model"). */
export interface MetricDescriptor {
  name: string;
  kind: MetricKind;
  unit: string;
  temporality: Temporality;
  monotonic: boolean;
  /** Not identifying; stored on first sight. */
  description?: string;
}

/** Label set of a series: resource + scope + point attributes, values stringified. */
export type Labels = Record<string, string>;

/** A series before it has an id: its metric and its labels. */
export interface SeriesRef {
  metric: MetricDescriptor;
  labels: Labels;
  /**
   * Optional cache key the producer computed cheaply (e.g. from the request's
   * raw attribute layers), so that a registry hit skips canonicalising the
   * labels. Contract: two refs with the same identityKey MUST have the same
   * metric identity and label set, and producers keep their keys apart (the
   * OTLP series builder and the remote-write decoder each prefix theirs).
   */
  identityKey?: string;
}

export interface SamplePoint {
  seriesId: number;
  /** µs since the Unix epoch */
  timeUs: number;
  value: number;
}

/** Explicit-bucket histogram point (OTLP HistogramDataPoint). */
export interface HistogramPoint {
  seriesId: number;
  timeUs: number;
  startTimeUs: number | null;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** explicit_bounds; bucketCounts.length === bounds.length + 1 */
  bounds: number[];
  bucketCounts: number[];
}

/** Base-2 exponential histogram point (OTLP ExponentialHistogramDataPoint). */
export interface ExpHistogramPoint {
  seriesId: number;
  timeUs: number;
  startTimeUs: number | null;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positiveOffset: number;
  positiveCounts: number[];
  negativeOffset: number;
  negativeCounts: number[];
}

/** What one request hands to the writer; committed atomically with its batch. */
export interface WriteBatch {
  samples: SamplePoint[];
  histograms: HistogramPoint[];
  expHistograms: ExpHistogramPoint[];
}

export type StorageMode = 'postgres' | 'timescaledb';
export type StorageModeSetting = 'auto' | StorageMode;
/** The values of `DatabaseOptions.mode` and `HYDRA_STORAGE`. */
export const STORAGE_MODES: readonly StorageModeSetting[] = ['auto', 'postgres', 'timescaledb'];

export type Aggregation = 'avg' | 'min' | 'max' | 'sum' | 'count' | 'last' | 'rate';
export const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'];
/** Operations across series (PromQL's `sum by (…)`, `avg`, …): applied per step to each series' aggregated value. */
export type CrossAggregation = 'sum' | 'avg' | 'min' | 'max' | 'count';
export const CROSS_AGGREGATIONS: readonly CrossAggregation[] = ['sum', 'avg', 'min', 'max', 'count'];

export type MatchOp = '=' | '!=' | '=~' | '!~';
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}
