/**
 * Shared request and response schemas (TypeBox → JSON Schema), registered
 * once by `$id` and referenced from routes, so validation, serialization, the
 * OpenAPI document and the TypeScript types all come from one definition.
 */
import { Type } from 'typebox';
import type { Static, TSchema } from 'typebox';

/** A `$ref` to a registered schema that keeps the schema's static type. */
export function ref<T extends TSchema & { $id?: string }>(schema: T) {
  if (!schema.$id) throw new Error('ref(): schema has no $id');
  return Type.Unsafe<Static<T>>({ $ref: `${schema.$id}#` });
}

/** A nullable value in the OpenAPI 3.0 spelling that fast-json-stringify and ajv also understand. */
export function nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'stable error code, e.g. invalid_parameter' }),
    message: Type.String({ description: 'what is wrong and what to change' }),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'structured facts: parameter, limit, value' }),
  },
  { $id: 'ErrorResponse', description: 'Every error the API answers' },
);

export const Labels = Type.Record(Type.String(), Type.String(), {
  $id: 'Labels',
  description: 'Label set: resource, scope and point attributes',
});

const seriesInfoProperties = {
  id: Type.Integer({ description: 'series id' }),
  metric: Type.String(),
  kind: Type.String({ enum: ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'] }),
  unit: Type.String(),
  temporality: Type.String({ enum: ['unspecified', 'delta', 'cumulative'] }),
  monotonic: Type.Boolean(),
  labels: ref(Labels),
};

export const SeriesInfo = Type.Object(seriesInfoProperties, { $id: 'SeriesInfo' });

export const HistogramSample = Type.Object(
  {
    t: Type.Number({ description: 'epoch ms' }),
    startT: nullable(Type.Number()),
    count: Type.Number(),
    sum: nullable(Type.Number()),
    min: nullable(Type.Number()),
    max: nullable(Type.Number()),
    bounds: Type.Array(Type.Number()),
    bucketCounts: Type.Array(Type.Number()),
  },
  { $id: 'HistogramSample' },
);

export const RangeSeries = Type.Object(
  {
    ...seriesInfoProperties,
    points: Type.Array(Type.Array(nullable(Type.Number()), { minItems: 2, maxItems: 2 }), {
      description: '[epoch ms (may have a µs fraction), value]; value null when it is NaN or ±Inf',
    }),
    histograms: Type.Optional(Type.Array(ref(HistogramSample))),
  },
  { $id: 'RangeSeries' },
);

export const RangeGroup = Type.Object(
  {
    labels: ref(Labels),
    series: Type.Integer({ description: 'number of series combined in the group' }),
    points: Type.Array(Type.Array(nullable(Type.Number()), { minItems: 2, maxItems: 2 }), {
      description: '[epoch ms, value]: aggregate over the group at each step; value null when it is NaN or ±Inf',
    }),
  },
  { $id: 'RangeGroup' },
);

export const RangeResult = Type.Object(
  {
    series: Type.Array(ref(RangeSeries), { description: 'the matched series; empty with aggregate (see groups)' }),
    stepSeconds: nullable(Type.Number()),
    aggregation: nullable(Type.String({ enum: ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'] })),
    source: Type.String({ enum: ['raw', 'rollup_1m', 'rollup_5m', 'rollup_1h', 'mixed'] }),
    aggregate: Type.Optional(
      Type.Object({
        op: Type.String({ enum: ['sum', 'avg', 'min', 'max', 'count'] }),
        by: Type.Array(Type.String()),
      }),
    ),
    groups: Type.Optional(Type.Array(ref(RangeGroup), { description: 'only with aggregate: one per group' })),
  },
  { $id: 'RangeResult' },
);

export const MetricSummary = Type.Object(
  {
    name: Type.String(),
    kind: Type.String({ enum: ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'] }),
    unit: Type.String(),
    temporality: Type.String({ enum: ['unspecified', 'delta', 'cumulative'] }),
    monotonic: Type.Boolean(),
    description: Type.String(),
    series: Type.Integer({ description: 'number of series' }),
  },
  { $id: 'MetricSummary' },
);

/** Response bodies as TypeScript types, derived from the schemas (for clients such as the dashboard). */
export type ErrorBody = Static<typeof ErrorResponse>;
export type SeriesInfoBody = Static<typeof SeriesInfo>;
export type RangeSeriesBody = Static<typeof RangeSeries>;
export type RangeResultBody = Static<typeof RangeResult>;
export type RangeGroupBody = Static<typeof RangeGroup>;
export type MetricSummaryBody = Static<typeof MetricSummary>;

/** Every shared schema, in dependency order. */
export const SHARED_SCHEMAS = [
  ErrorResponse,
  Labels,
  SeriesInfo,
  HistogramSample,
  RangeSeries,
  RangeGroup,
  RangeResult,
  MetricSummary,
];

/** Registers the shared schemas on an instance (before any route uses them). */
export function addSharedSchemas(app: { addSchema(schema: TSchema): unknown }): void {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
}

/** What each error status means, for the OpenAPI response descriptions. */
export const ERROR_STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameter or query too large (error: invalid_parameter, invalid_request, query_too_large)',
  401: 'Missing or invalid bearer token (error: unauthorized)',
  403: 'Token lacks the scope (error: forbidden)',
  404: 'No such resource (error: not_found)',
  503: 'Database or JWKS unreachable, or not ready (error: storage_unavailable, auth_unavailable, not_ready)',
};

/** The error responses a route documents besides its success, each a `$ref` to ErrorResponse. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      Type.Unsafe<Static<typeof ErrorResponse>>({
        ...ref(ErrorResponse),
        description: ERROR_STATUS_DESCRIPTIONS[s] ?? 'Error',
      }),
    ]),
  );
}

/** A success response with its OpenAPI description. */
export function success<T extends TSchema>(description: string, schema: T) {
  return Type.Unsafe<Static<T>>({ ...schema, description });
}
