/** Bearer-token authentication: settings, the per-scope check, the fastify plugin (the interface is @hydra/contract's). */
export { resolveAuthConfig, validateAuthConfig, isLoopbackHost, AuthConfigError } from './config.ts';
export type { AuthConfig, AuthMode, AuthSetting } from './config.ts';
export { createAuthenticator, grantedScopes } from './authenticator.ts';
export { JWKS_ALGORITHMS, DEFAULT_CLOCK_TOLERANCE_SECONDS } from './verifier.ts';
