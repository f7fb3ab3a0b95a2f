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
