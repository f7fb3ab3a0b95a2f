/**
 * The authentication interface the API and the collector's receivers share:
 * the hook, its verdict, the scopes, and the error for tokens that cannot be
 * checked for now. The implementation (JWT, JWKS, ingest token) is the API's.
 */

/** The authentication hook receivers call with the raw Authorization header (HTTP) or metadata (gRPC). */
export type Authenticate = (authorization: string | undefined) => Promise<
  /** `subject`: who the token names (a JWT's `sub`), when it names anyone */
  { ok: true; subject?: string } | { ok: false; status: 401 | 403; message: string }
>;

/** Seconds a client should wait when tokens cannot be checked for now. */
export const AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Thrown by an `Authenticate` when the token cannot be checked right now (for
 * example the OIDC JWKS endpoint is unreachable): the server's problem, not the
 * client's, so receivers answer 503 with Retry-After rather than 401.
 */
export class AuthUnavailableError extends Error {
  override readonly name: string = 'AuthUnavailableError';
  readonly retryAfterSeconds = AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS;
}

/** The verdict of an `Authenticate`. */
export type AuthResult = Awaited<ReturnType<Authenticate>>;
/**
 * `alerts:write` guards acknowledging alerts and managing silences; `metrics:scrape` the Prometheus exports port
 * (:9464), which carries analysis results with the source series' labels.
 */
export type Scope = 'metrics:read' | 'metrics:write' | 'alerts:write' | 'metrics:scrape';
