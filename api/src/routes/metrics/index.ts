/**
 * GET /metrics (range queries), GET /metrics/names (the metric catalogue) and,
 * when the process ingests, the seed's POST /metrics from @hydra/collector.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AGGREGATIONS, CROSS_AGGREGATIONS, listMetrics, queryRange, QueryLimitError } from '@hydra/storage';
import type { Aggregation, CrossAggregation } from '@hydra/storage';
import type { Ingestor } from '@hydra/collector';
import { seedJsonRoute } from '@hydra/collector';
import {
  type ApiError,
  errorResponses,
  Errors,
  MAX_PARAM_LENGTH,
  MetricSummary,
  RangeResult,
  ref,
  selectorQuery,
  success,
} from '@hydra/contract';
import type { QueryLimits } from '../../limits.ts';
import { buildRangeQuery, serializeRangeResult, shapeRangeResult } from './range.ts';
import { clientGoneSignal } from '../../params/client-gone.ts';

export interface MetricsRoutesOptions {
  limits: QueryLimits;
  ingestor?: Ingestor;
}

const RangeQuerystring = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'metric name' })),
    ...selectorQuery,
    from: Type.Optional(Type.String({ description: 'RFC 3339, epoch s/ms, or now-<duration>; default: to minus 1h' })),
    to: Type.Optional(Type.String({ description: 'RFC 3339, epoch s/ms, or now-<duration>; default now' })),
    step: Type.Optional(Type.String({ description: 'bucket width: 30s, 5m, 1h or seconds; aggregates when set' })),
    aggregation: Type.Optional(
      Type.Unsafe<Aggregation>({
        type: 'string',
        enum: [...AGGREGATIONS],
        description: 'per-bucket aggregation; avg when step is set',
      }),
    ),
    aggregate: Type.Optional(
      Type.Unsafe<CrossAggregation>({
        type: 'string',
        enum: [...CROSS_AGGREGATIONS],
        description:
          'combine the matched series per step (each series first reduced by aggregation): one series per group of by, in groups',
      }),
    ),
    by: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PARAM_LENGTH,
        description: 'comma-separated label names to group aggregate by (e.g. host.name,env); none: one group',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'most series to return (with aggregate: to combine)' }),
    ),
  },
  { additionalProperties: false },
);

const metricsRoutes: FastifyPluginAsyncTypebox<MetricsRoutesOptions> = async (app, options) => {
  const { limits } = options;

  app.get(
    '/metrics',
    {
      serializerCompiler: () => serializeRangeResult,
      schema: {
        tags: ['metrics'],
        summary: 'Points of the series that match, raw or aggregated per step',
        querystring: RangeQuerystring,
        response: {
          200: success('The matching series and their points', ref(RangeResult)),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request, reply) => {
      const query = buildRangeQuery(request.query, limits, new Date());
      try {
        return shapeRangeResult(await queryRange(app.db, { ...query, signal: clientGoneSignal(reply) }), limits);
      } catch (err) {
        if (err instanceof QueryLimitError) {
          const ceiling = query.aggregate === undefined ? limits.maxSeries : limits.maxAggregateSeries;
          throw explainLimit(err, query.maxSeries ?? ceiling, ceiling, limits);
        }
        throw err;
      }
    },
  );

  app.get(
    '/metrics/names',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Every metric with its kind, unit, temporality and number of series',
        response: {
          200: success('The metric catalogue', Type.Object({ metrics: Type.Array(ref(MetricSummary)) })),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async () => ({ metrics: await listMetrics(app.db) }),
  );

  if (options.ingestor) await app.register(seedJsonRoute, { ingestor: options.ingestor });
};

/** Restates a storage ceiling in the API's own parameters, so the message says which one to change. */
function explainLimit(err: QueryLimitError, maxSeries: number, ceiling: number, limits: QueryLimits): ApiError {
  switch (err.limit) {
    case 'max_series':
      return Errors.queryTooLarge(
        `the query matches more than ${maxSeries} series: narrow it with name, host or match` +
          (maxSeries < ceiling ? `, or raise limit (at most ${ceiling})` : ''),
        { limit: err.limit, maxSeries },
      );
    case 'max_points':
      return Errors.queryTooLarge(
        `the query would return more than ${limits.maxPoints} points: set or coarsen step (e.g. step=5m), ` +
          'shorten the range (from, to), or narrow the series with name, host or match',
        { limit: err.limit, maxPoints: limits.maxPoints },
      );
    default:
      return Errors.queryTooLarge(err.message, { limit: err.limit });
  }
}

export default metricsRoutes;
