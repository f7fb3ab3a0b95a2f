/**
 * @hydra/api: the HTTP API (metrics queries, discovery, alerts, analytics,
 * predictions, health, OpenAPI) and the bearer-token authentication the
 * collector receivers share. The wire contract is @hydra/contract's; the
 * analysis jobs, alerts and exporter are @hydra/analysis's.
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
} from './auth/index.ts';
export type { AuthConfig, AuthMode, AuthSetting } from './auth/index.ts';
export { DEFAULT_QUERY_LIMITS, resolveQueryLimits } from './limits.ts';
export type { QueryLimits } from './limits.ts';
export type { ConfiguredMonitor } from './routes/monitors/index.ts';
