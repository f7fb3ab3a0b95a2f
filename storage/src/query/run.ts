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
import { classifyDatabaseError, InvalidQueryError, ReadAbortedError, sqlStateOf, StorageError } from '../errors.ts';

/** "invalid regular expression" */
const INVALID_REGEX_SQLSTATE = '2201B';

/**
 * Runs one read on the database's read pool (statement_timeout bounded; see
 * Database.readPool). When `signal` aborts (the client went away), the
 * statement is cancelled on the server (pg_cancel_backend from the main pool)
 * instead of running to its end, and its connection is discarded.
 */
export async function runQuery<R extends pg.QueryResultRow>(
  db: Database,
  what: string,
  sql: string,
  values: unknown[],
  signal?: AbortSignal,
): Promise<R[]> {
  let client: pg.PoolClient | undefined;
  let cancelling: Promise<unknown> | undefined;
  const cancel = (): void => {
    const pid = (client as unknown as { processID?: number } | undefined)?.processID;
    if (db.embedded || pid === undefined) return;
    cancelling = db.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
  };
  try {
    if (signal?.aborted) throw new ReadAbortedError(what);
    client = await db.readPool.connect();
    // a read that waited for a connection while its client left never starts
    if (signal?.aborted) throw new ReadAbortedError(what);
    signal?.addEventListener('abort', cancel, { once: true });
    return (await client.query<R>(sql, values)).rows;
  } catch (err) {
    if (signal?.aborted) throw new ReadAbortedError(what, { cause: err });
    if (err instanceof StorageError) throw err;
    if (sqlStateOf(err) === INVALID_REGEX_SQLSTATE) {
      throw new InvalidQueryError('matchers', `invalid regular expression: ${(err as Error).message}`, { cause: err });
    }
    throw classifyDatabaseError(`${what} failed`, err);
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (cancelling) await cancelling;
    // a connection whose statement was cancelled (or that failed) is not handed to the next read
    client?.release(cancelling !== undefined);
  }
}
