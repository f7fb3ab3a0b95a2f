/**
 * @hydra/api: the HTTP API (metrics queries, discovery, health, OpenAPI) and
 * the bearer-token authentication the collector receivers share.
 */
export { buildApp, DEFAULT_BODY_LIMIT_BYTES, DEFAULT_VERSION } from './app.ts';
export type { AppOptions } from './app.ts';
export {
  resolveAuthConfig,
  validateAuthConfig,
  isLoopbackHost,
  AuthConfigError,
  createAuthenticator,
  grantedScopes,
  AuthUnavailableError,
} from './auth/index.ts';
export type { AuthConfig, AuthMode, AuthSetting, Authenticate, AuthResult, Scope } from './auth/index.ts';
export { DEFAULT_QUERY_LIMITS, resolveQueryLimits } from './limits.ts';
export type { QueryLimits } from './limits.ts';
export { ApiError, ERROR_CODES, Errors } from './errors.ts';
export type { ErrorCode } from './errors.ts';
export {
  ErrorResponse as ErrorResponseSchema,
  SeriesInfo as SeriesInfoSchema,
  RangeSeries as RangeSeriesSchema,
  RangeResult as RangeResultSchema,
  MetricSummary as MetricSummarySchema,
  SHARED_SCHEMAS,
} from './schemas.ts';
export type { ErrorBody, SeriesInfoBody, RangeSeriesBody, RangeResultBody, MetricSummaryBody } from './schemas.ts';
export * from './alerts/index.ts';
export * from './jobs/index.ts';
export * from './exports/index.ts';
// Response schemas of the alert, silence, analytics and prediction routes, for clients
// such as the dashboard (which imports them type-only: `Static<typeof AlertSchema>`).
export {
  AlertBody as AlertSchema,
  AlertDetailBody as AlertDetailSchema,
  AlertEventBody as AlertEventSchema,
  SilenceBody as SilenceSchema,
  MatcherBody as SilenceMatcherSchema,
} from './routes/alerts/schemas.ts';
export { ScorePoint as AnomalyScorePointSchema } from './routes/analytics/index.ts';
export type { PredictionsBody, PredictionBody, ThresholdAnswerBody } from './routes/predictions/schemas.ts';
