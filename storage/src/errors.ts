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
 * The data itself cannot be stored: a value the database refuses (SQLSTATE
 * class 22, e.g. U+0000 in text or jsonb, invalid UTF-8, a timestamp out of
 * range), a constraint the rows break (class 23), a row too large for an
 * index (54000), or a value the binary COPY encoder cannot write (a number
 * out of its column's range). Permanent: the same data fails the same way on
 * every retry, so the collector answers 400 rather than 503.
 */
export class InvalidDataError extends StorageError {
  readonly retryable = false;
  override readonly name = 'InvalidDataError';
  /** The SQLSTATE the database gave; undefined when the encoder refused the value before the database saw it. */
  readonly sqlState: string | undefined;
  constructor(sqlState: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.sqlState = sqlState;
  }
}

/**
 * A failure retrying cannot fix and the data did not cause: an SQL error in
 * hydra's own statements (class 42, a missing table, an internal error), or
 * an exception no classification knows. Not retryable, not the client's
 * fault: the API and the collector answer 500 and log it at error level.
 */
export class DatabaseBugError extends StorageError {
  readonly retryable = false;
  override readonly name = 'DatabaseBugError';
  readonly sqlState: string | undefined;
  constructor(sqlState: string | undefined, message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.sqlState = sqlState;
  }
}

/**
 * One batch holds more rows than the writer's whole queue can ever take.
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

/**
 * What a database failure means for the caller, decided in this one place:
 * - `transient`: retrying later can succeed (the server is unreachable,
 *   starting, stopping or out of resources; a statement was cancelled or
 *   timed out; a serialization failure or deadlock) → 503 + Retry-After;
 * - `bad-data`: the request's own data can never be stored → 400;
 * - `bug`: hydra's SQL or code is wrong → 500, logged.
 */
export type DatabaseErrorKind = 'transient' | 'bad-data' | 'bug';

/**
 * SQLSTATE classes of transient failures: 08 connection exception, 53
 * insufficient resources, 57 operator intervention (57014 query_canceled:
 * a statement timeout or a cancelled read; 57P01–57P05 shutdown, crash,
 * cannot connect now, database dropped, idle session timeout), 58 system
 * errors (I/O), XX000 is not here: an internal error is a bug.
 */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '53', '57', '58']);
/** 40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available, 25P03 idle_in_transaction timeout. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '25P03']);
/** SQLSTATE classes and codes that mean "this data can never be stored": 22 data exception, 23 integrity. */
const BAD_DATA_SQLSTATE_CLASSES = new Set(['22', '23']);
/** 54000 program_limit_exceeded (an index row too large), 54001 statement too complex (an enormous array). */
const BAD_DATA_SQLSTATES = new Set(['54000', '54001']);
/** Node's codes for a network failure (no SQLSTATE: the server was never reached or the socket died). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
/** node-postgres's own wording for a pool connect timeout, a dropped connection and a dead client. */
const CONNECTION_LOST_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Client was closed|Query read timeout|Cannot use a pool after calling end/i;
/** Node's code for a number outside the range a Buffer write takes: the encoder met a value its column cannot hold. */
const OUT_OF_RANGE_CODE = 'ERR_OUT_OF_RANGE';

/** The SQLSTATE of a pg error, if it has one (also through a classified error and its causes). */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { sqlState?: unknown; code?: unknown }).sqlState ?? (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** The kind of any failure met while talking to the database; see DatabaseErrorKind. */
export function databaseErrorKind(err: unknown): DatabaseErrorKind {
  if (err instanceof StorageError) {
    if (err.retryable) return 'transient';
    return err instanceof DatabaseBugError || err instanceof MigrationError ? 'bug' : 'bad-data';
  }
  const state = sqlStateOf(err);
  if (state) {
    if (TRANSIENT_SQLSTATES.has(state) || TRANSIENT_SQLSTATE_CLASSES.has(state.slice(0, 2))) return 'transient';
    if (BAD_DATA_SQLSTATES.has(state) || BAD_DATA_SQLSTATE_CLASSES.has(state.slice(0, 2))) return 'bad-data';
    return 'bug';
  }
  if (err instanceof AggregateError) {
    // a failed ROLLBACK after a failed statement: the connection is gone whatever the statement did
    return err.errors.some((e) => databaseErrorKind(e) === 'transient') ? 'transient' : 'bug';
  }
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return 'transient';
    if (CONNECTION_LOST_MESSAGE.test(e.message)) return 'transient';
    if (e instanceof RangeError && code === OUT_OF_RANGE_CODE) return 'bad-data';
  }
  return 'bug';
}

/**
 * The one classifier: turns any failure of `context` (e.g. 'series registry')
 * into the StorageError of its kind — StorageUnavailableError (transient,
 * retryable), InvalidDataError (bad data, permanent) or DatabaseBugError.
 * StorageErrors pass through unchanged.
 */
export function classifyDatabaseError(context: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const message = `${context}: ${(err as Error)?.message ?? String(err)}`;
  const state = sqlStateOf(err);
  const withState = state ? `${message} (SQLSTATE ${state})` : message;
  switch (databaseErrorKind(err)) {
    case 'transient':
      return new StorageUnavailableError(withState, { cause: err });
    case 'bad-data':
      return new InvalidDataError(state, withState, { cause: err });
    default:
      return new DatabaseBugError(state, withState, { cause: err });
  }
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

/**
 * A read was abandoned: its client went away and the statement was
 * cancelled. Nobody is waiting for the answer; retryable in principle.
 */
export class ReadAbortedError extends StorageError {
  readonly retryable = true;
  override readonly name = 'ReadAbortedError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what}: the client went away; the read was cancelled`, options);
  }
}

/** The schema cannot be migrated as asked (edited migration file, unknown mode). Permanent. */
export class MigrationError extends StorageError {
  readonly retryable = false;
  override readonly name = 'MigrationError';
}
