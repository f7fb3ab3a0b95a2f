/**
 * Bearer-token checks shared by the API and the collector receivers.
 *
 * A token is either a JWT (HS256 with HYDRA_JWT_SECRET, or an asymmetric
 * algorithm verified against the OIDC issuer's JWKS) carrying the needed scope
 * in `scope` (space-separated, RFC 8693) or `scp` (array, as Azure AD and Okta
 * issue it), or the static ingest token, which grants metrics:write only.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyOptions } from 'jose';
import type { Authenticate } from '@hydra/collector';
import type { AuthConfig } from './config.ts';
import { validateAuthConfig } from './config.ts';

export type Scope = 'metrics:read' | 'metrics:write';

/** The collector's hook type: the raw Authorization header in, a verdict out. */
export type { Authenticate };
export type AuthResult = Awaited<ReturnType<Authenticate>>;

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

/**
 * The token could not be checked because the JWKS endpoint is unreachable or
 * broken: the server's problem, not the client's (answered 503, not 401).
 */
export class AuthUnavailableError extends Error {
  override readonly name = 'AuthUnavailableError';
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * Builds the check for one scope. With `config.mode === 'off'` every request
 * passes. The JWKS, when configured, is fetched lazily and cached.
 *
 * @throws AuthConfigError when `config` is on without a way to verify tokens
 * @returns an `Authenticate` whose promise rejects with AuthUnavailableError only when the JWKS cannot be fetched
 */
export function createAuthenticator(config: AuthConfig, scope: Scope): Authenticate {
  if (config.mode === 'off') return async () => ({ ok: true });
  validateAuthConfig(config);

  const secret = config.jwtSecret === undefined ? undefined : new TextEncoder().encode(config.jwtSecret);
  const jwks =
    config.jwksUrl === undefined
      ? undefined
      : createRemoteJWKSet(new URL(config.jwksUrl), {
          timeoutDuration: DEFAULT_JWKS_TIMEOUT_MS,
          cooldownDuration: DEFAULT_JWKS_COOLDOWN_MS,
          cacheMaxAge: DEFAULT_JWKS_CACHE_MAX_AGE_MS,
        });
  const ingestDigest = config.ingestToken === undefined ? undefined : digest(config.ingestToken);
  const claimChecks: JWTVerifyOptions = { clockTolerance: DEFAULT_CLOCK_TOLERANCE_SECONDS };
  if (config.issuer !== undefined) claimChecks.issuer = config.issuer;
  if (config.audience !== undefined) claimChecks.audience = config.audience;

  async function verify(token: string): Promise<JWTPayload | string> {
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
  }

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, status: 401, message: 'missing bearer token: send Authorization: Bearer <token>' };
    }
    const match = BEARER.exec(authorization);
    if (!match?.[1])
      return { ok: false, status: 401, message: 'Authorization header is not of the form Bearer <token>' };
    const token = match[1];

    if (ingestDigest && timingSafeEqual(digest(token), ingestDigest)) {
      return scope === 'metrics:write'
        ? { ok: true }
        : { ok: false, status: 403, message: `the ingest token grants metrics:write only, not ${scope}` };
    }
    const verdict = await verify(token);
    if (typeof verdict === 'string') return { ok: false, status: 401, message: verdict };
    if (!grantedScopes(verdict).has(scope)) {
      return { ok: false, status: 403, message: `token lacks the scope ${scope}` };
    }
    return { ok: true };
  };
}

/** Scopes of a verified token: `scope` as a space-separated string, `scp` as an array or a string. */
export function grantedScopes(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  for (const claim of [payload.scope, payload.scp]) {
    if (typeof claim === 'string') for (const s of claim.split(/\s+/)) if (s) scopes.add(s);
    if (Array.isArray(claim)) for (const s of claim) if (typeof s === 'string') scopes.add(s);
  }
  return scopes;
}

function describeJoseError(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWTExpired) return 'bearer token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `bearer token claim '${err.claim}' is invalid: ${err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'bearer token signature is invalid';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'bearer token was signed by a key the JWKS does not contain';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'bearer token algorithm is not allowed';
  return `bearer token is invalid: ${err.message}`;
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

/** Fixed-length digest so the comparison takes the same time whatever the token's length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
