/**
 * Read queries, classified by the storage layer's one classifier
 * (classifyDatabaseError): a regex PostgreSQL refuses is the caller's fault
 * (InvalidQueryError naming the matchers), a lost connection, a server that is
 * starting, stopping or out of resources, or a statement timeout is an outage
 * (StorageUnavailableError, retryable), data the database refuses is
 * InvalidDataError and anything else a DatabaseBugError.
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import { classifyDatabaseError, InvalidQueryError, sqlStateOf, StorageError } from '../errors.ts';

/** "invalid regular expression" */
const INVALID_REGEX_SQLSTATE = '2201B';

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
    if (sqlStateOf(err) === INVALID_REGEX_SQLSTATE) {
      throw new InvalidQueryError('matchers', `invalid regular expression: ${(err as Error).message}`, { cause: err });
    }
    throw classifyDatabaseError(`${what} failed`, err);
  }
}
