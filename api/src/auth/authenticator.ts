/**
 * Bearer-token checks shared by the API and the collector receivers.
 *
 * A token is either a JWT (see verifier.ts) carrying the needed scope in
 * `scope` (space-separated, RFC 8693) or `scp` (array, as Azure AD and Okta
 * issue it), the static ingest token, which grants metrics:write only, or
 * the static scrape token (HYDRA_SCRAPE_TOKEN), which grants metrics:scrape only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { Authenticate, Scope } from '@hydra/contract';
import type { AuthConfig } from './config.ts';
import { validateAuthConfig } from './config.ts';
import { verifierFor } from './verifier.ts';

/** `Bearer <token68>` (RFC 6750 §2.1), scheme case-insensitive. */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * Builds the check for one scope. With `config.mode === 'off'` every request
 * passes. Authenticators built from the same config object share one verifier
 * and so one JWKS cache.
 *
 * @throws AuthConfigError when `config` is on without a way to verify tokens
 * @returns an `Authenticate` whose promise rejects with AuthUnavailableError only when the JWKS cannot be fetched
 */
export function createAuthenticator(config: AuthConfig, scope: Scope): Authenticate {
  if (config.mode === 'off') return async () => ({ ok: true });
  validateAuthConfig(config);
  const verify = verifierFor(config);
  const ingestDigest = config.ingestToken === undefined ? undefined : digest(config.ingestToken);
  const scrapeDigest = config.scrapeToken === undefined ? undefined : digest(config.scrapeToken);

  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') {
      return { ok: false, status: 401, message: 'missing bearer token: send Authorization: Bearer <token>' };
    }
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return { ok: false, status: 401, message: 'Authorization header is not of the form Bearer <token>' };

    if (ingestDigest && timingSafeEqual(digest(token), ingestDigest)) {
      return scope === 'metrics:write'
        ? { ok: true }
        : { ok: false, status: 403, message: `the ingest token grants metrics:write only, not ${scope}` };
    }
    if (scrapeDigest && timingSafeEqual(digest(token), scrapeDigest)) {
      return scope === 'metrics:scrape'
        ? { ok: true }
        : { ok: false, status: 403, message: `the scrape token grants metrics:scrape only, not ${scope}` };
    }
    const verdict = await verify(token);
    if (typeof verdict === 'string') return { ok: false, status: 401, message: verdict };
    if (!grantedScopes(verdict).has(scope)) {
      return { ok: false, status: 403, message: `token lacks the scope ${scope}` };
    }
    return typeof verdict.sub === 'string' && verdict.sub !== '' ? { ok: true, subject: verdict.sub } : { ok: true };
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

/** Fixed-length digest so the comparison takes the same time whatever the token's length. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
