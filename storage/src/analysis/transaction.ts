/**
 * One short transaction on a pooled connection, with the storage layer's
 * error classification: transient failures become StorageUnavailableError.
 * Keep them short: on PGlite an open transaction holds every other connection.
 */
import type pg from 'pg';
import type { Database } from '../database.ts';
import { StorageError, StorageUnavailableError } from '../errors.ts';
import { isTransientDatabaseError } from '../query/run.ts';

/** A query function bound to one connection (inside a transaction) or the pool. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Wraps a database failure of `what` as StorageUnavailableError when retrying can help. */
export function classify(what: string, err: unknown): unknown {
  if (err instanceof StorageError) return err;
  if (isTransientDatabaseError(err)) {
    return new StorageUnavailableError(`${what} failed: ${(err as Error).message}`, { cause: err });
  }
  return err;
}

/** Runs `fn` inside BEGIN … COMMIT; rolls back and rethrows (classified) on any error. */
export async function inTransaction<T>(
  db: Database,
  what: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw classify(what, err);
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr as Error;
      }
      throw err;
    }
  } catch (err) {
    throw classify(what, err);
  } finally {
    client.release(broken);
  }
}

/** Runs one statement on the pool, classified. */
export async function query<R extends pg.QueryResultRow>(
  db: Database | Queryable,
  what: string,
  sql: string,
  values: unknown[] = [],
): Promise<R[]> {
  const target = 'pool' in db ? db.pool : db;
  try {
    return (await target.query<R>(sql, values)).rows;
  } catch (err) {
    throw classify(what, err);
  }
}
