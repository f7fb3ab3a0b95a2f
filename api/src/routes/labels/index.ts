/**
 * Label discovery: GET /labels (names) and GET /labels/:name/values, both
 * narrowed by `metric`, `host` and `match` (the path already uses `name`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { labelNames, labelValues } from '@hydra/storage';
import type { LabelMatcher } from '@hydra/storage';
import { errorResponses, MAX_PARAM_LENGTH, selectorQuery, success } from '@hydra/contract';
import type { QueryLimits } from '../../limits.ts';
import { selectorMatchers } from '../../params/selector.ts';

export interface LabelsRoutesOptions {
  limits: QueryLimits;
}

const LabelsQuerystring = Type.Object(
  {
    metric: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'metric name' })),
    ...selectorQuery,
  },
  { additionalProperties: false },
);

function filter(query: { metric?: string; host?: string; match?: string[] }, limits: QueryLimits) {
  const matchers: LabelMatcher[] = selectorMatchers(query, limits);
  return query.metric === undefined ? { matchers } : { name: query.metric, matchers };
}

const labelsRoutes: FastifyPluginAsyncTypebox<LabelsRoutesOptions> = async (app, { limits }) => {
  app.get(
    '/labels',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Label names of the series that match, sorted',
        querystring: LabelsQuerystring,
        response: {
          200: success('Label names, sorted', Type.Object({ labels: Type.Array(Type.String()) })),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => ({ labels: await labelNames(app.db, filter(request.query, limits)) }),
  );

  app.get(
    '/labels/:name/values',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Values a label takes in the series that match, sorted',
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH }) }),
        querystring: LabelsQuerystring,
        response: {
          200: success(
            'Label values, sorted',
            Type.Object({ label: Type.String(), values: Type.Array(Type.String()) }),
          ),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => ({
      label: request.params.name,
      values: await labelValues(app.db, request.params.name, filter(request.query, limits)),
    }),
  );
};

export default labelsRoutes;
