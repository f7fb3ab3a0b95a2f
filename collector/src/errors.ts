/**
 * The collector's errors, classified once, and `mapError`: the one place that
 * turns any error into a protocol status. Permanent errors (the data is wrong,
 * retrying cannot help) become 4xx; retryable ones 429/503 with Retry-After.
 */
import { BatchTooLargeError, DatabaseBugError, QueueFullError, StorageError } from '@hydra/storage';
import { AuthUnavailableError } from '@hydra/contract';

/** Seconds a client waits before retrying when the collector is shutting down. */
export const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/** The request cannot be decoded or holds nothing valid (400; gRPC INVALID_ARGUMENT). */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/** The body exceeds the size limit, before or after decompression (413; gRPC RESOURCE_EXHAUSTED). */
export class PayloadTooLargeError extends Error {
  override readonly name = 'PayloadTooLargeError';
}

/** Content-Type or Content-Encoding the receiver does not speak (415). */
export class UnsupportedMediaTypeError extends Error {
  override readonly name = 'UnsupportedMediaTypeError';
}

/** The collector is shutting down and takes no new data (503, retryable). */
export class CollectorClosedError extends Error {
  override readonly name = 'CollectorClosedError';
  readonly retryAfterSeconds = SHUTDOWN_RETRY_AFTER_SECONDS;
}

export interface MappedError {
  status: number;
  retryAfterSeconds?: number;
  /** Stable machine-readable code. */
  error: string;
  message: string;
}

const INTERNAL_MESSAGE = 'internal error; the collector logged the cause';

/** Classify `err` and give the HTTP status, the Retry-After for retryable errors, a code and a message. */
export function mapError(err: unknown): MappedError {
  if (err instanceof InvalidRequestError) return { status: 400, error: 'invalid_request', message: err.message };
  if (err instanceof PayloadTooLargeError || err instanceof BatchTooLargeError) {
    return { status: 413, error: 'payload_too_large', message: err.message };
  }
  if (err instanceof UnsupportedMediaTypeError) {
    return { status: 415, error: 'unsupported_media_type', message: err.message };
  }
  if (err instanceof CollectorClosedError) {
    return { status: 503, retryAfterSeconds: err.retryAfterSeconds, error: 'shutting_down', message: err.message };
  }
  if (err instanceof AuthUnavailableError) {
    return { status: 503, retryAfterSeconds: err.retryAfterSeconds, error: 'auth_unavailable', message: err.message };
  }
  if (err instanceof QueueFullError) {
    return { status: 429, retryAfterSeconds: err.retryAfterSeconds, error: 'queue_full', message: err.message };
  }
  if (err instanceof DatabaseBugError) return { status: 500, error: 'internal', message: INTERNAL_MESSAGE };
  if (err instanceof StorageError) {
    if (err.retryable) {
      return {
        status: 503,
        retryAfterSeconds: err.retryAfterSeconds,
        error: 'storage_unavailable',
        message: err.message,
      };
    }
    return { status: 400, error: 'rejected_by_storage', message: err.message };
  }
  const statusCode = httpStatusOf(err);
  if (statusCode === 413) return { status: 413, error: 'payload_too_large', message: (err as Error).message };
  if (statusCode === 415) return { status: 415, error: 'unsupported_media_type', message: (err as Error).message };
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, error: 'invalid_request', message: (err as Error).message };
  }
  return { status: 500, error: 'internal', message: INTERNAL_MESSAGE };
}

/** The `statusCode` that fastify's own errors carry (body too large, bad media type, bad JSON). */
function httpStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return undefined;
  const code = (err as { statusCode: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}
