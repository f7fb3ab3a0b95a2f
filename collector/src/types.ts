/**
 * What receivers hand to the Ingestor: series (descriptor + labels, no id yet)
 * with their points, already flattened by the translation rules.
 */
import type { ExpHistogramPoint, HistogramPoint, SeriesRef } from '@hydra/storage';

/** One numeric point of a gauge, a sum, or a series flattened from a histogram or summary. */
export interface IngestPoint {
  /** µs since the Unix epoch */
  timeUs: number;
  value: number;
}

export interface IngestSeries {
  ref: SeriesRef;
  samples: IngestPoint[];
  histograms: Omit<HistogramPoint, 'seriesId'>[];
  expHistograms: Omit<ExpHistogramPoint, 'seriesId'>[];
}

export interface IngestResult {
  /**
   * Data points stored, counted as sent: a histogram point is one point even
   * though its `_count` / `_sum` rows are stored too.
   */
  acceptedPoints: number;
  rejectedPoints: number;
  /** The first few rejection messages (bounded by the maxErrorMessages limit). */
  errors: string[];
}

/** Why a point was not stored; the `reason` attribute of hydra.collector.points.rejected. */
export type RejectReason =
  | 'too_many_attributes'
  | 'label_too_long'
  | 'invalid_name'
  | 'invalid_label'
  | 'too_old'
  | 'too_far_in_future'
  | 'series_limit'
  | 'invalid_point';
