/**
 * The one HTTP client of the dashboard: every request goes to the same-origin
 * `/api/` prefix (proxied to the API by `hydra up`, nginx, or Vite in dev),
 * and every non-2xx answer becomes an ApiRequestError carrying the API's
 * `{error, message, details}` body.
 */
import type { ErrorBody } from '@hydra/contract';
import { currentToken, requireSignIn } from './auth.ts';

export { TOKEN_STORAGE_KEY } from './auth.ts';

/** Prefix the dashboard's server proxies to the API. */
export const API_PREFIX = '/api';
/** A request slower than this is aborted and reported as a timeout. */
export const REQUEST_TIMEOUT_MS = 15_000;

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type QueryParams = Record<string, QueryValue>;

/** A failed request: an HTTP status with the API's error body, or status 0 when the API could not be reached. */
export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  readonly path: string;

  constructor(path: string, status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiRequestError';
    this.path = path;
    this.status = status;
    this.code = body.error;
    this.details = body.details;
  }

  /** True when the API (or the proxy in front of it) is down rather than refusing the request. */
  get unreachable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 504;
  }

  /** The scope the token lacks, from a 403's `details.scope`. */
  get missingScope(): string | undefined {
    return this.status === 403 && typeof this.details.scope === 'string' ? this.details.scope : undefined;
  }

  /** True when the route does not exist on this API (a feature not deployed yet). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

/** Builds `path?query`, leaving out empty values and repeating array values (`match=a&match=b`). */
export function buildPath(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
    else search.append(key, String(value));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function errorBody(response: Response): Promise<ErrorBody> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof parsed.error === 'string' && typeof parsed.message === 'string') {
      return { error: parsed.error, message: parsed.message, details: parsed.details ?? {} };
    }
  } catch {
    // Not JSON: a proxy's HTML error page; described below by its status.
  }
  const unreachable = response.status === 502 || response.status === 504;
  return {
    error: unreachable ? 'api_unreachable' : `http_${response.status}`,
    message: unreachable
      ? 'the API is not answering (the dashboard server could not reach it)'
      : `${response.status} ${response.statusText || 'error'}`,
    details: {},
  };
}

export interface ApiFetchInit {
  method?: string;
  params?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Send this token instead of the stored one (the sign-in form checking a
   * pasted token); a 401 then does not open the sign-in form.
   */
  token?: string;
}

/**
 * Sends one request to the API and returns its JSON body; throws ApiRequestError.
 * A 401 to the stored token (or to no token) asks for sign-in (api/auth.ts).
 */
export async function apiFetch<T>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const url = API_PREFIX + buildPath(path, init.params);
  const token = init.token ?? currentToken();
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal,
    });
  } catch (err) {
    if (init.signal?.aborted) throw err;
    const reason = timeout.aborted ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : (err as Error).message;
    throw new ApiRequestError(path, 0, {
      error: 'api_unreachable',
      message: `the API cannot be reached: ${reason}`,
      details: {},
    });
  }
  if (!response.ok) {
    const error = new ApiRequestError(path, response.status, await errorBody(response));
    if (error.status === 401 && init.token === undefined) requireSignIn(token, error.message);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
