/** Bearer-token authentication: settings, the per-scope check, the fastify plugin. */
export { resolveAuthConfig, validateAuthConfig, isLoopbackHost, AuthConfigError } from './config.ts';
export type { AuthConfig, AuthMode, AuthSetting } from './config.ts';
export { createAuthenticator, grantedScopes, AuthUnavailableError } from './authenticator.ts';
export { JWKS_ALGORITHMS, DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verifier.ts';
export type { Authenticate, AuthResult, Scope } from './authenticator.ts';
