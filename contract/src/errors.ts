/**
 * The one catalogue of errors the API answers with. Every error leaves the
 * server as `{ error, message, details }`: `error` is a stable code a client
 * can switch on, `message` says what is wrong and what to change, `details`
 * carries the structured facts (the parameter, the limit, the value).
 */

export type ErrorDetails = Record<string, unknown>;

/** An error with its HTTP status and stable code; thrown by routes and hooks, answered by the error handler. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
    /** Extra response headers (WWW-Authenticate, Retry-After). */
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Stable error codes, with the status each is answered with. */
export const ERROR_CODES = {
  invalid_request: 400,
  invalid_parameter: 400,
  query_too_large: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  queue_full: 429,
  internal: 500,
  storage_unavailable: 503,
  auth_unavailable: 503,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Seconds a client should wait after a 503 whose cause gives no better figure. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** Realm announced in WWW-Authenticate (RFC 6750 §3). */
export const AUTH_REALM = 'hydra';

function make(
  code: ErrorCode,
  message: string,
  details?: ErrorDetails,
  headers?: Record<string, string>,
  cause?: unknown,
) {
  return new ApiError(ERROR_CODES[code], code, message, details, headers, cause === undefined ? undefined : { cause });
}

/** Factories, one per code; routes never build an ApiError by hand. */
export const Errors = {
  /** A query parameter or path parameter has a value the API cannot use. */
  invalidParameter(param: string, reason: string, value?: unknown): ApiError {
    const shown = value === undefined ? '' : ` '${String(value)}'`;
    return make('invalid_parameter', `${param}${shown}: ${reason}`, value === undefined ? { param } : { param, value });
  },
  /** The request does not match the route's schema (fastify validation). */
  invalidRequest(message: string, details: ErrorDetails): ApiError {
    return make('invalid_request', message, details);
  },
  /** The query would return more than the configured ceilings allow. */
  queryTooLarge(message: string, details: ErrorDetails): ApiError {
    return make('query_too_large', message, details);
  },
  unauthorized(message: string): ApiError {
    return make(
      'unauthorized',
      message,
      {},
      {
        'www-authenticate': `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${quoteSafe(message)}"`,
      },
    );
  },
  forbidden(message: string, scope: string): ApiError {
    return make(
      'forbidden',
      message,
      { scope },
      {
        'www-authenticate': `Bearer realm="${AUTH_REALM}", error="insufficient_scope", scope="${scope}"`,
      },
    );
  },
  notFound(method: string, url: string): ApiError {
    return make('not_found', `no route for ${method} ${url}`, { method, url });
  },
  /** A resource named in the path (an alert, a silence) does not exist. */
  resourceNotFound(resource: string, id: number | string): ApiError {
    return make('not_found', `${resource} ${id} does not exist`, { resource, id });
  },
  payloadTooLarge(limitBytes: number): ApiError {
    return make('payload_too_large', `request body exceeds the ${limitBytes}-byte limit`, { limitBytes });
  },
  unsupportedMediaType(contentType: string | undefined): ApiError {
    return make(
      'unsupported_media_type',
      `content type '${contentType ?? ''}' is not supported; send application/json`,
      {
        contentType: contentType ?? null,
      },
    );
  },
  queueFull(message: string, retryAfterSeconds: number): ApiError {
    return make('queue_full', message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
  },
  storageUnavailable(message: string, retryAfterSeconds: number, cause?: unknown): ApiError {
    return make(
      'storage_unavailable',
      message,
      { retryAfterSeconds },
      { 'retry-after': String(retryAfterSeconds) },
      cause,
    );
  },
  authUnavailable(message: string, cause?: unknown): ApiError {
    return make('auth_unavailable', message, {}, { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) }, cause);
  },
  notReady(message: string, checks: ErrorDetails): ApiError {
    return make('not_ready', message, { checks }, { 'retry-after': String(DEFAULT_RETRY_AFTER_SECONDS) });
  },
  internal(): ApiError {
    return make('internal', 'internal server error; the server log has the details');
  },
};

function quoteSafe(text: string): string {
  return text.replace(/["\\]/g, "'");
}
