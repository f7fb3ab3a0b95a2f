/**
 * GET /analytics/trends (statistics per metric and host over a window,
 * against the window before) and GET /analytics/anomalies (a series' anomaly
 * scores, expected values and bands over a range, for the dashboard).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { queryTrends, readScores } from '@hydra/storage';
import {
  errorResponses,
  Errors,
  MAX_PARAM_LENGTH,
  nullable,
  ScorePoint,
  selectorQuery,
  success,
} from '@hydra/contract';
import type { QueryLimits } from '../../limits.ts';
import { selectorMatchers } from '../../params/selector.ts';
import { clientGoneSignal } from '../../params/client-gone.ts';
import { parseDurationSeconds, parseTime } from '../../params/time.ts';

/** Trend window when none is given. */
export const DEFAULT_TREND_WINDOW_SECONDS = 3_600;
/** Longest trend window (raw samples are read). */
export const MAX_TREND_WINDOW_SECONDS = 7 * 86_400;
/** Default range of /analytics/anomalies. */
export const DEFAULT_ANOMALY_RANGE_SECONDS = 6 * 3_600;

export interface AnalyticsRoutesOptions {
  limits: QueryLimits;
}

const num = (description: string) => nullable(Type.Number({ description }));

const TrendsQuerystring = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'metric name' })),
    ...selectorQuery,
    window: Type.Optional(Type.String({ description: 'window length: 15m, 1h, 1d (default 1h, at most 7d)' })),
    to: Type.Optional(Type.String({ description: 'end of the window (default now)' })),
  },
  { additionalProperties: false },
);

const Trend = Type.Object({
  metric: Type.String(),
  host: nullable(Type.String({ description: 'host.name, null for series without one' })),
  series: Type.Integer(),
  count: Type.Integer({ description: 'points in the window' }),
  avg: num('mean'),
  min: num('minimum'),
  max: num('maximum'),
  p95: num('95th percentile'),
  stddev: num('sample standard deviation'),
  slope: num('least-squares slope, units per second'),
  previousAvg: num('mean of the previous window of the same length'),
  change: num('(avg − previousAvg) / |previousAvg|'),
  anomalies: Type.Integer({ description: 'points the anomaly jobs scored above 0.5 in the window' }),
});

const AnomaliesQuerystring = Type.Object(
  {
    series: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'series id (from /series or /metrics)',
    }),
    monitor: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'namespace/name' })),
    from: Type.Optional(Type.String({ description: 'default: to minus 6h' })),
    to: Type.Optional(Type.String({ description: 'default now' })),
  },
  { additionalProperties: false },
);

const analyticsRoutes: FastifyPluginAsyncTypebox<AnalyticsRoutesOptions> = async (app, { limits }) => {
  app.get(
    '/analytics/trends',
    {
      schema: {
        tags: ['analytics'],
        summary: 'Per metric and host over a window: avg, min, max, p95, stddev, slope, change, anomaly count',
        querystring: TrendsQuerystring,
        response: {
          200: success(
            'Trends',
            Type.Object({
              from: Type.String(),
              to: Type.String(),
              windowSeconds: Type.Number(),
              trends: Type.Array(Trend),
            }),
          ),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const now = new Date();
      const windowSeconds =
        q.window === undefined ? DEFAULT_TREND_WINDOW_SECONDS : parseDurationSeconds('window', q.window);
      if (windowSeconds > MAX_TREND_WINDOW_SECONDS)
        throw Errors.invalidParameter('window', `must be at most ${MAX_TREND_WINDOW_SECONDS / 86_400}d`, q.window);
      const toMs = q.to === undefined ? now.getTime() : parseTime('to', q.to, now).getTime();
      const fromMs = toMs - windowSeconds * 1000;
      const trends = await queryTrends(app.db, {
        ...(q.name === undefined ? {} : { name: q.name }),
        matchers: selectorMatchers(q, limits),
        fromMs,
        toMs,
        limit: limits.maxSeries,
        maxSeries: limits.maxSeries,
        signal: clientGoneSignal(reply),
      });
      return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), windowSeconds, trends };
    },
  );

  app.get(
    '/analytics/anomalies',
    {
      schema: {
        tags: ['analytics'],
        summary: "A series' anomaly scores, expected values and bands over a range (what the anomaly jobs stored)",
        querystring: AnomaliesQuerystring,
        response: {
          200: success(
            'Scored points, oldest first',
            Type.Object({ series: Type.Integer(), points: Type.Array(ScorePoint) }),
          ),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const now = new Date();
      const toMs = q.to === undefined ? now.getTime() : parseTime('to', q.to, now).getTime();
      const fromMs =
        q.from === undefined ? toMs - DEFAULT_ANOMALY_RANGE_SECONDS * 1000 : parseTime('from', q.from, now).getTime();
      if (toMs < fromMs) throw Errors.invalidParameter('to', 'must not be before from', q.to);
      const rows = await readScores(app.db, {
        seriesId: q.series,
        ...(q.monitor === undefined ? {} : { monitor: q.monitor }),
        fromMs,
        toMs,
        limit: limits.maxPointsPerSeries + 1,
      });
      if (rows.length > limits.maxPointsPerSeries) {
        throw Errors.queryTooLarge(
          `more than ${limits.maxPointsPerSeries} scored points in the range; shorten it or name the monitor`,
          { limit: 'max_points_per_series' },
        );
      }
      return { series: q.series, points: rows.map(({ time, ...r }) => ({ t: time, ...r })) };
    },
  );
};

export default analyticsRoutes;
