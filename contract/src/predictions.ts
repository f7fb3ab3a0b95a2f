/** Request and response schemas of GET /predictions. */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { MAX_PARAM_LENGTH, selectorQuery } from './query.ts';
import { nullable, ref, SeriesInfo } from './schemas.ts';

/** Most thresholds per request (the HydraMonitor schema's limit per monitor). */
export const MAX_REQUEST_THRESHOLDS = 16;

export const PredictionsQuerystring = Type.Object(
  {
    series: Type.Optional(Type.Integer({ minimum: 1, description: 'series id (instead of name and labels)' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'metric name' })),
    ...selectorQuery,
    monitor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PARAM_LENGTH,
        description: 'use the stored forecasts of this monitor (namespace/name); default: the newest of any monitor',
      }),
    ),
    threshold: Type.Optional(
      Type.Array(Type.Number(), {
        maxItems: MAX_REQUEST_THRESHOLDS,
        description: 'threshold in the metric unit, repeatable: time-to-threshold is answered for each',
      }),
    ),
    direction: Type.Optional(
      Type.Array(Type.String({ enum: ['above', 'below'] }), {
        maxItems: MAX_REQUEST_THRESHOLDS,
        description: 'crossing direction: one for every threshold, or one per threshold (default above)',
      }),
    ),
    horizon: Type.Optional(Type.String({ maxLength: 32, description: 'how far ahead, e.g. 6h or 2d (default 24h)' })),
    level: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description: 'prediction interval level (default 0.95)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PredictionsQuery = Static<typeof PredictionsQuerystring>;

const Crossing = nullable(
  Type.Object({
    at: Type.Number({ description: 'epoch ms of the crossing' }),
    inSeconds: Type.Number({ description: 'seconds from now (0 when the crossing time has passed)' }),
  }),
);

export const ThresholdAnswer = Type.Object({
  threshold: Type.Number(),
  direction: Type.String({ enum: ['above', 'below'] }),
  status: Type.String({
    enum: ['within_horizon', 'not_within_horizon', 'suppressed'],
    description: 'within_horizon: at least the pessimistic band edge crosses before the horizon ends',
  }),
  suppressed: nullable(
    Type.String({
      enum: ['poor-fit', 'fallback-model', 'already-crossed'],
      description:
        'why no estimate is given: a poor fit (holdout MASE above 1 and worse than the seasonal-naive baseline by more than 10 %), the baseline after a failed model, or already past',
    }),
  ),
  mean: Crossing,
  early: { ...Crossing, description: 'the pessimistic band edge crosses (upper for above, lower for below)' },
  late: { ...Crossing, description: 'the optimistic band edge crosses' },
  message: Type.String({ description: 'one line for people, e.g. "reaches 0.9 in 5h 20m (band: 4h 10m – 7h)"' }),
});

export const ForecastPoint = Type.Object({
  time: Type.Number({ description: 'epoch ms' }),
  mean: nullable(Type.Number()),
  lower: nullable(Type.Number()),
  upper: nullable(Type.Number()),
});

export const Prediction = Type.Object({
  series: ref(SeriesInfo),
  source: Type.String({
    enum: ['stored', 'computed'],
    description: 'stored: the forecast job wrote it recently; computed: forecast for this request',
  }),
  monitor: nullable(Type.String({ description: 'monitor whose job stored the forecast' })),
  createdAt: Type.Number({ description: 'epoch ms the forecast was made' }),
  model: Type.String({ description: 'forecaster that produced it, e.g. mstl or combination(mstl+holt-winters)' }),
  description: Type.String({ description: 'parameters of the fit' }),
  fit: Type.Object({
    holdoutMase: nullable(
      Type.Number({
        description: "mean absolute scaled error on the series' own recent past (below 1 beats seasonal naive)",
      }),
    ),
    baselineMase: nullable(
      Type.Number({ description: 'holdout MASE of the seasonal-naive baseline on the same windows' }),
    ),
    fallback: nullable(Type.Object({ from: Type.String(), reason: Type.String() })),
    skipped: Type.Array(Type.Object({ model: Type.String(), reason: Type.String() }), {
      description:
        'candidates of the automatic choice that could not be used (too short for a holdout window, a fit error, a guard), with why',
    }),
    historyPoints: Type.Integer(),
    periods: Type.Array(Type.Integer(), { description: 'seasonal periods used, in steps' }),
  }),
  level: Type.Number(),
  stepSeconds: Type.Number(),
  lastObserved: Type.Object({ time: Type.Number(), value: nullable(Type.Number()) }),
  points: Type.Array(ForecastPoint),
  thresholds: Type.Array(ThresholdAnswer),
});

export const PredictionsResponse = Type.Object({
  now: Type.Number({ description: 'epoch ms the answer refers to' }),
  horizonSeconds: Type.Number(),
  predictions: Type.Array(Prediction),
  unavailable: Type.Array(
    Type.Object(
      { series: ref(SeriesInfo), reason: Type.String() },
      { description: 'series that could not be forecast' },
    ),
  ),
});
export type PredictionsBody = Static<typeof PredictionsResponse>;
export type PredictionBody = Static<typeof Prediction>;
export type ThresholdAnswerBody = Static<typeof ThresholdAnswer>;
