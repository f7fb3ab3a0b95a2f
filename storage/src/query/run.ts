/**
 * One place where query errors are classified: a regex PostgreSQL refuses is
 * the caller's fault (InvalidQueryError, permanent); a lost connection or a
 * server that is starting, stopping or out of resources is an outage
 * (StorageUnavailableError, retryable); anything else is a bug and is thrown
 * as it is.
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import { InvalidQueryError, StorageError, StorageUnavailableError } from '../errors.ts';

/** "invalid regular expression" */
const INVALID_REGEX_SQLSTATE = '2201B';
/** SQLSTATE classes of transient failures: connection exception, insufficient resources, operator intervention. */
const TRANSIENT_SQLSTATE_CLASSES = ['08', '53', '57'];
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01']);

/** True for errors that retrying later can fix: network errors (no SQLSTATE) and transient SQLSTATEs. */
export function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
}

export async function runQuery<R extends pg.QueryResultRow>(
  db: Database,
  what: string,
  sql: string,
  values: unknown[],
): Promise<R[]> {
  try {
    return (await db.pool.query<R>(sql, values)).rows;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    if ((err as { code?: string }).code === INVALID_REGEX_SQLSTATE) {
      throw new InvalidQueryError('matchers', `invalid regular expression: ${(err as Error).message}`, { cause: err });
    }
    if (isTransientDatabaseError(err))
      throw new StorageUnavailableError(`${what} failed: ${(err as Error).message}`, { cause: err });
    throw err;
  }
}
