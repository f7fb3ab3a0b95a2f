/**
 * Anomaly scores of a series over a range (GET /analytics/anomalies) and
 * forecasts with their bands and time-to-threshold (GET /predictions).
 */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';
import type { AnomalyScores, PredictionsBody } from '../api/analysis-types.ts';
import { isLive, resolveRange, type TimeRange } from '../lib/time-range.ts';
import { LIVE_REFETCH_MS } from './metrics.ts';

/** Forecasts are recomputed by a job every few minutes. */
export const PREDICTIONS_REFETCH_MS = 60_000;

export interface PredictionRequest {
  name: string;
  host?: string;
  /** how far ahead, e.g. '6h' */
  horizon: string;
  thresholds?: { value: number; direction: 'above' | 'below' }[];
}

export const analysisKeys = {
  all: ['analysis'] as const,
  anomalies: (seriesId: number, range: TimeRange) => [...analysisKeys.all, 'anomalies', seriesId, range] as const,
  predictions: (req: PredictionRequest) => [...analysisKeys.all, 'predictions', req] as const,
};

/** Scores, expected values and bands of one series over the range, as the anomaly job stored them. */
export function anomaliesQueryOptions(seriesId: number, range: TimeRange) {
  return queryOptions({
    queryKey: analysisKeys.anomalies(seriesId, range),
    queryFn: ({ signal }) => {
      const { fromMs, toMs } = resolveRange(range);
      return apiFetch<AnomalyScores>('/analytics/anomalies', {
        params: { series: seriesId, from: Math.floor(fromMs), to: Math.ceil(toMs) },
        signal,
      });
    },
    refetchInterval: isLive(range) ? LIVE_REFETCH_MS : false,
    placeholderData: keepPreviousData,
  });
}

/** The forecast of the matching series (stored by the forecast job, or computed for the request). */
export function predictionsQueryOptions(req: PredictionRequest) {
  return queryOptions({
    queryKey: analysisKeys.predictions(req),
    queryFn: ({ signal }) =>
      apiFetch<PredictionsBody>('/predictions', {
        params: {
          name: req.name,
          host: req.host,
          horizon: req.horizon,
          threshold: req.thresholds?.map((t) => t.value),
          direction: req.thresholds?.map((t) => t.direction),
        },
        signal,
      }),
    refetchInterval: PREDICTIONS_REFETCH_MS,
    staleTime: PREDICTIONS_REFETCH_MS / 2,
  });
}
