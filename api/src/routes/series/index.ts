/** GET /series: the series that match a selector, paged, without their points. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findSeries } from '@hydra/storage';
import { errorResponses, Errors, MAX_PARAM_LENGTH, ref, selectorQuery, SeriesInfo, success } from '@hydra/contract';
import type { QueryLimits } from '../../limits.ts';
import { selectorMatchers } from '../../params/selector.ts';

/** Page size when `limit` is not given. */
export const DEFAULT_SERIES_PAGE = 100;

export interface SeriesRoutesOptions {
  limits: QueryLimits;
}

const SeriesQuerystring = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'metric name' })),
    ...selectorQuery,
    limit: Type.Optional(Type.Integer({ minimum: 1, description: `page size (default ${DEFAULT_SERIES_PAGE})` })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const SeriesPage = Type.Object({
  series: Type.Array(ref(SeriesInfo)),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const seriesRoutes: FastifyPluginAsyncTypebox<SeriesRoutesOptions> = async (app, { limits }) => {
  app.get(
    '/series',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Series matching a selector, ordered by id, paged with limit and offset',
        querystring: SeriesQuerystring,
        response: { 200: success('One page of series', SeriesPage), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { name, limit = DEFAULT_SERIES_PAGE, offset = 0 } = request.query;
      if (limit > limits.maxSeriesPage) {
        throw Errors.invalidParameter('limit', `must be at most ${limits.maxSeriesPage}`, limit);
      }
      const matchers = selectorMatchers(request.query, limits);
      const series = await findSeries(app.db, { ...(name === undefined ? {} : { name }), matchers, limit, offset });
      return { series, limit, offset };
    },
  );
};

export default seriesRoutes;
