/**
 * One place where query errors are classified: a regex PostgreSQL refuses is
 * the caller's fault (InvalidQueryError, permanent); anything else from the
 * server or the connection is an outage (StorageUnavailableError, retryable).
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import { InvalidQueryError, StorageError, StorageUnavailableError } from '../errors.ts';

/** "invalid regular expression" */
const INVALID_REGEX_SQLSTATE = '2201B';

export async function runQuery<R extends pg.QueryResultRow>(db: Database, what: string, sql: string, values: unknown[]): Promise<R[]> {
  try {
    return (await db.pool.query<R>(sql, values)).rows;
  } catch (err) {
    if (err instanceof StorageError) throw err;
    if ((err as { code?: string }).code === INVALID_REGEX_SQLSTATE) {
      throw new InvalidQueryError('matchers', `invalid regular expression: ${(err as Error).message}`, { cause: err });
    }
    throw new StorageUnavailableError(`${what} failed: ${(err as Error).message}`, { cause: err });
  }
}
