/**
 * GET /predictions: forecast points with bands for a series (`series=ID`) or
 * the series of a metric and labels (`name`, `host`, `match`), the model and
 * its fit quality, and time-to-threshold for each `threshold` (with
 * `direction`). The forecast job's stored forecast is served when fresh;
 * otherwise the forecast is computed for the request, within limits.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findSeries, seriesByIds, type SeriesInfo } from '@hydra/storage';
import {
  errorResponses,
  Errors,
  PredictionsQuerystring,
  PredictionsResponse,
  success,
  type PredictionsQuery,
} from '@hydra/contract';
import type { QueryLimits } from '../../limits.ts';
import { parseDurationSeconds } from '../../params/time.ts';
import { selectorMatchers } from '../../params/selector.ts';
import type { ForecastRunner, ThresholdSpec } from '@hydra/analysis';
import { DEFAULT_PREDICTION_LIMITS, predict, type PredictionLimits } from './answer.ts';

export const DEFAULT_HORIZON_SECONDS = 24 * 3_600;
/** Longest horizon a request may ask for. */
export const MAX_HORIZON_SECONDS = 30 * 86_400;
export const DEFAULT_LEVEL = 0.95;
/** Most series one request may select (stored or computed). */
export const MAX_PREDICTION_SERIES = 100;

export interface PredictionRoutesOptions {
  limits: QueryLimits;
  predictionLimits?: Partial<PredictionLimits>;
  /** epoch ms; injectable for tests */
  clock?: () => number;
  /** where forecasts computed on request are fitted (the `hydra` command's worker pool); default this thread */
  runner?: ForecastRunner;
}

/** The thresholds of the request, `direction` given once for all or once per threshold. */
function thresholdsOf(q: PredictionsQuery): ThresholdSpec[] {
  const values = q.threshold ?? [];
  const directions = (q.direction ?? []) as Array<'above' | 'below'>;
  if (directions.length > 1 && directions.length !== values.length) {
    throw Errors.invalidParameter(
      'direction',
      `give one direction for all thresholds or one per threshold; got ${directions.length} for ${values.length}`,
    );
  }
  return values.map((value, i) => ({ value, direction: directions[directions.length === 1 ? 0 : i] ?? 'above' }));
}

async function selectSeries(app: Parameters<FastifyPluginAsyncTypebox>[0], q: PredictionsQuery, limits: QueryLimits) {
  if (q.series !== undefined) {
    if (q.name !== undefined || q.host !== undefined || q.match !== undefined)
      throw Errors.invalidParameter('series', 'give either series or name/host/match, not both');
    const byId = await seriesByIds(app.db, [q.series]);
    // a series named by id that does not exist is a 404, as for GET /alerts/{id}; a selector may match nothing
    if (byId.length === 0) throw Errors.resourceNotFound('series', q.series);
    return byId;
  }
  if (q.name === undefined && q.host === undefined && q.match === undefined)
    throw Errors.invalidParameter('series', 'give series=ID, or name (with host and match to narrow it)');
  const found: SeriesInfo[] = await findSeries(app.db, {
    ...(q.name === undefined ? {} : { name: q.name }),
    matchers: selectorMatchers(q, limits),
    limit: MAX_PREDICTION_SERIES + 1,
  });
  if (found.length > MAX_PREDICTION_SERIES) {
    throw Errors.queryTooLarge(
      `the selector matches more than ${MAX_PREDICTION_SERIES} series; narrow it with host or match`,
      { limit: 'maxPredictionSeries', max: MAX_PREDICTION_SERIES },
    );
  }
  return found;
}

const predictionRoutes: FastifyPluginAsyncTypebox<PredictionRoutesOptions> = async (app, options) => {
  const predictionLimits: PredictionLimits = { ...DEFAULT_PREDICTION_LIMITS, ...options.predictionLimits };
  const clock = options.clock ?? Date.now;
  app.get(
    '/predictions',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Forecast with prediction intervals, model, fit quality and time-to-threshold',
        description:
          `Serves the forecast job's stored forecast when it is fresh (at most ${predictionLimits.freshMs / 60_000} min old, same level, ` +
          `covering the horizon); otherwise forecasts on request: at most ${predictionLimits.maxOnDemandSeries} series and ` +
          `${predictionLimits.onDemandBudgetMs} ms per request (400 query_too_large beyond, naming the limit).`,
        querystring: PredictionsQuerystring,
        response: { 200: success('Predictions', PredictionsResponse), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const horizonSeconds =
        q.horizon === undefined ? DEFAULT_HORIZON_SECONDS : parseDurationSeconds('horizon', q.horizon);
      if (!(horizonSeconds > 0) || horizonSeconds > MAX_HORIZON_SECONDS)
        throw Errors.invalidParameter(
          'horizon',
          `must be more than 0 and at most ${MAX_HORIZON_SECONDS / 86_400}d`,
          q.horizon,
        );
      const thresholds = thresholdsOf(q);
      const series = await selectSeries(app, q, options.limits);
      const now = clock();
      const { predictions, unavailable } = await predict(
        app.db,
        {
          series,
          ...(q.monitor === undefined ? {} : { monitor: q.monitor }),
          thresholds,
          horizonMs: horizonSeconds * 1000,
          level: q.level ?? DEFAULT_LEVEL,
          now,
        },
        predictionLimits,
        options.runner,
      );
      return { now, horizonSeconds, predictions, unavailable };
    },
  );
};

export default predictionRoutes;
