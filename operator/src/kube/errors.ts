/** Errors of API server calls, classified once: retryable (network, 409, 429, 5xx) or permanent. */

/** A non-2xx answer of the API server (or a failed connection, `status` 0), naming the call. */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    message: string,
    /** Seconds the server asked to wait (429/503 `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path}: ${status === 0 ? 'connection failed' : `${status} ${reason}`}: ${message}`);
    this.name = 'KubeApiError';
  }

  /** Retrying the same call later can succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}
