/**
 * @hydra/contract: the HTTP API's wire contract — request and response
 * schemas (TypeBox, so validation, the OpenAPI document and the TypeScript
 * types come from one definition), the error body and codes, and the
 * authentication interface. Depends on typebox and @hydra/schema's vocabulary
 * (severities, durations): the dashboard, the collector and the API import it.
 */
export { SEVERITIES, type Severity, parseDuration } from '@hydra/schema';
export { ApiError, ERROR_CODES, Errors, DEFAULT_RETRY_AFTER_SECONDS, AUTH_REALM } from './errors.ts';
export type { ErrorCode, ErrorDetails } from './errors.ts';
export {
  ref,
  nullable,
  success,
  errorResponses,
  addSharedSchemas,
  ERROR_STATUS_DESCRIPTIONS,
  ErrorResponse,
  Labels,
  SeriesInfo,
  HistogramSample,
  RangeSeries,
  RangeGroup,
  RangeResult,
  MetricSummary,
  SHARED_SCHEMAS,
} from './schemas.ts';
export type {
  ErrorBody,
  SeriesInfoBody,
  RangeSeriesBody,
  RangeResultBody,
  RangeGroupBody,
  MetricSummaryBody,
} from './schemas.ts';
export { HOST_LABEL, MAX_PARAM_LENGTH, selectorQuery } from './query.ts';
export { AlertBody, AlertEventBody, AlertDetailBody, MatcherBody, SilenceBody } from './alerts.ts';
export { ScorePoint } from './analytics.ts';
export { MonitorBody, MonitorJobBody, MonitorListBody, MonitorSpecSummary } from './monitors.ts';
export type { MonitorWire } from './monitors.ts';
export {
  MAX_REQUEST_THRESHOLDS,
  PredictionsQuerystring,
  PredictionsResponse,
  Prediction,
  ThresholdAnswer,
  ForecastPoint,
} from './predictions.ts';
export type { PredictionsQuery, PredictionsBody, PredictionBody, ThresholdAnswerBody } from './predictions.ts';
export { AuthUnavailableError, AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS } from './auth.ts';
export type { Authenticate, AuthResult, Scope } from './auth.ts';
