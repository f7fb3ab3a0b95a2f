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

/**
 * The database refused the data itself: a value it cannot store (SQLSTATE
 * class 22, e.g. U+0000 in text or jsonb, invalid UTF-8, a timestamp out of
 * range), a constraint the rows break (class 23), or a row too large for an
 * index (54000). Permanent: the same data fails the same way on every retry,
 * so the collector answers 400 rather than 503.
 */
export class InvalidDataError extends StorageError {
  readonly retryable = false;
  override readonly name = 'InvalidDataError';
  /** The SQLSTATE the database gave. */
  readonly sqlState: string;
  constructor(sqlState: string, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.sqlState = sqlState;
  }
}

/**
 * One write holds more rows than the writer's whole queue can ever take.
 * Permanent: retrying the same batch cannot succeed; split it (HTTP 413).
 */
export class BatchTooLargeError extends StorageError {
  readonly retryable = false;
  override readonly name = 'BatchTooLargeError';
  readonly rows: number;
  readonly capacity: number;
  constructor(rows: number, capacity: number) {
    super(`batch: ${rows} rows exceed the writer's queue capacity of ${capacity}; split it`);
    this.rows = rows;
    this.capacity = capacity;
  }
}

/** SQLSTATE classes and codes that mean "this data can never be stored", not "try again later". */
const PERMANENT_SQLSTATE_CLASSES = ['22', '23'];
const PERMANENT_SQLSTATES = ['54000'];

/** The SQLSTATE of a pg error, if it has one. */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Classifies a database error once: InvalidDataError (permanent) for data the
 * database refuses, StorageUnavailableError (retryable) for anything else
 * (lost connections, timeouts, serialization failures, the server shutting
 * down). `context` starts the message, e.g. 'series registry'. StorageErrors
 * pass through unchanged.
 */
export function classifyDatabaseError(context: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const message = `${context}: ${(err as Error)?.message ?? String(err)}`;
  const state = sqlStateOf(err);
  if (state && (PERMANENT_SQLSTATE_CLASSES.includes(state.slice(0, 2)) || PERMANENT_SQLSTATES.includes(state))) {
    return new InvalidDataError(state, `${message} (SQLSTATE ${state})`, { cause: err });
  }
  return new StorageUnavailableError(message, { cause: err });
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
