/**
 * Errors the storage layer raises, classified once: `retryable` errors mean the
 * caller may try the same data again later (the collector answers 503/429 with
 * Retry-After); the others are permanent (the collector answers 400).
 */
export abstract class StorageError extends Error {
  abstract readonly retryable: boolean;
  /** Seconds a client should wait before retrying, for retryable errors. */
  readonly retryAfterSeconds: number = 1;
}

/** The database cannot be reached or a write failed for a transient reason. */
export class StorageUnavailableError extends StorageError {
  readonly retryable = true;
  override readonly name = 'StorageUnavailableError';
  override readonly retryAfterSeconds: number;
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, { cause: options?.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
}

/** The writer's queue is full: back-pressure, the caller should slow down (HTTP 429). */
export class QueueFullError extends StorageError {
  readonly retryable = true;
  override readonly name = 'QueueFullError';
  override readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The writer is shutting down and takes no new data. */
export class WriterClosedError extends StorageError {
  readonly retryable = true;
  override readonly name = 'WriterClosedError';
}

export function isRetryable(err: unknown): boolean {
  return err instanceof StorageError && err.retryable;
}

/**
 * A query asks for more than the configured ceilings allow (series, points,
 * points per series). Permanent: the same query will fail again; the message
 * tells the user what to change (set or raise the step, narrow the range or
 * the matchers).
 */
export class QueryLimitError extends StorageError {
  readonly retryable = false;
  override readonly name = 'QueryLimitError';
  /** The ceiling that was hit, e.g. 'max_series', 'max_points', 'max_points_per_series'. */
  readonly limit: string;
  constructor(limit: string, message: string) {
    super(message);
    this.limit = limit;
  }
}

/** A query is malformed (bad regex, inverted range, unknown aggregation). Permanent. */
export class InvalidQueryError extends StorageError {
  readonly retryable = false;
  override readonly name = 'InvalidQueryError';
  /** The query field at fault, e.g. 'matchers[0].value'. */
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, { cause: options?.cause });
    this.field = field;
  }
}

/** The schema cannot be migrated as asked (edited migration file, unknown mode). Permanent. */
export class MigrationError extends StorageError {
  readonly retryable = false;
  override readonly name = 'MigrationError';
}
