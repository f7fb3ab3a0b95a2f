/**
 * JWT verification for one AuthConfig: HS256 with the shared secret, or an
 * asymmetric algorithm against the OIDC issuer's JWKS (fetched on demand and
 * cached by jose). One verifier, and so one JWKS cache, per config object,
 * however many authenticators (scopes, receivers) are built from it.
 */
import { AuthUnavailableError } from '@hydra/contract';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import type { AuthConfig } from './config.ts';

/** Algorithms accepted from a JWKS; symmetric ones never are (a public key set must not verify HMACs). */
export const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** Allowed difference between our clock and the issuer's, for exp/nbf/iat. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** How long a fetch of the JWKS may take before the request fails as unavailable. */
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
/** Minimum time between JWKS refetches triggered by an unknown `kid`. */
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
/** Longest a fetched JWKS is trusted before it is fetched again. */
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;

/** The verified claims, or why the token is refused. */
export type Verify = (token: string) => Promise<JWTPayload | string>;

const verifiers = new WeakMap<AuthConfig, Verify>();

/** The verifier of `config`, built on first use. The config must already be validated. */
export function verifierFor(config: AuthConfig): Verify {
  let verify = verifiers.get(config);
  if (!verify) {
    verify = buildVerifier(config);
    verifiers.set(config, verify);
  }
  return verify;
}

function buildVerifier(config: AuthConfig): Verify {
  const secret = config.jwtSecret === undefined ? undefined : new TextEncoder().encode(config.jwtSecret);
  const jwks =
    config.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(config.jwksUrl), {
          timeoutDuration: DEFAULT_JWKS_TIMEOUT_MS,
          cooldownDuration: DEFAULT_JWKS_COOLDOWN_MS,
          cacheMaxAge: DEFAULT_JWKS_CACHE_MAX_AGE_MS,
        });
  const claimChecks: JWTVerifyOptions = { clockTolerance: DEFAULT_CLOCK_TOLERANCE_SECONDS };
  if (config.issuer !== undefined) claimChecks.issuer = config.issuer;
  if (config.audience !== undefined) claimChecks.audience = config.audience;

  return async (token) => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return 'bearer token is not a JWT';
    }
    try {
      if (alg === 'HS256') {
        if (!secret) return 'HS256 tokens are not accepted: no HYDRA_JWT_SECRET is configured';
        return (await jwtVerify(token, secret, { ...claimChecks, algorithms: ['HS256'] })).payload;
      }
      if (!jwks) return `tokens signed with '${alg ?? 'none'}' are not accepted: only HS256 is configured`;
      return (await jwtVerify(token, jwks, { ...claimChecks, algorithms: JWKS_ALGORITHMS })).payload;
    } catch (err) {
      if (jwks && alg !== 'HS256' && isJwksOutage(err)) {
        throw new AuthUnavailableError(`cannot use the JWKS at ${config.jwksUrl}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (!(err instanceof joseErrors.JOSEError)) throw err;
      return describeJoseError(err);
    }
  };
}

/**
 * Failures of the JWKS fetch itself (timeout, network, non-200, a body that is
 * no key set): jose reports a non-200 as its generic JOSEError.
 */
function isJwksOutage(err: unknown): boolean {
  if (!(err instanceof joseErrors.JOSEError)) return true;
  return (
    err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || err.code === 'ERR_JOSE_GENERIC'
  );
}

function describeJoseError(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWTExpired) return 'bearer token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return `bearer token claim '${err.claim}' is invalid: ${err.reason}`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bearer token signature is invalid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'bearer token was signed by a key the JWKS does not contain';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'bearer token algorithm is not allowed';
  return `bearer token is invalid: ${err.message}`;
}
