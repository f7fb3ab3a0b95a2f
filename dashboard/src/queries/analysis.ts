/**
 * Anomaly scores and forecasts of series over a range. These routes may be
 * missing on an older API: a 404 is shown as "not available", never as data.
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';
import type { AnomaliesBody, PredictionsBody } from '../api/analysis-types.ts';
import { isLive, resolveRange, stepFor, type TimeRange } from '../lib/time-range.ts';
import { LIVE_REFETCH_MS } from './metrics.ts';

/** Forecasts are recomputed by a job every few minutes. */
export const PREDICTIONS_REFETCH_MS = 60_000;

export interface SeriesSelector {
  name?: string;
  host?: string;
  match?: string[];
}

export const analysisKeys = {
  all: ['analysis'] as const,
  anomalies: (sel: SeriesSelector, range: TimeRange) => [...analysisKeys.all, 'anomalies', sel, range] as const,
  predictions: (sel: SeriesSelector) => [...analysisKeys.all, 'predictions', sel] as const,
};

/** Scores, expected values and bands of the matching series over the range. */
export function anomaliesQueryOptions(sel: SeriesSelector, range: TimeRange) {
  return queryOptions({
    queryKey: analysisKeys.anomalies(sel, range),
    queryFn: ({ signal }) => {
      const { fromMs, toMs } = resolveRange(range);
      return apiFetch<AnomaliesBody>('/analytics/anomalies', {
        params: { ...sel, from: fromMs, to: toMs, step: stepFor(toMs - fromMs) },
        signal,
      });
    },
    refetchInterval: isLive(range) ? LIVE_REFETCH_MS : false,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Forecast points with intervals and threshold crossings of the matching series. */
export function predictionsQueryOptions(sel: SeriesSelector) {
  return queryOptions({
    queryKey: analysisKeys.predictions(sel),
    queryFn: ({ signal }) => apiFetch<PredictionsBody>('/predictions', { params: { ...sel }, signal }),
    refetchInterval: PREDICTIONS_REFETCH_MS,
    retry: false,
  });
}
