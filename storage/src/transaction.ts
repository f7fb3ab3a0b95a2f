/**
 * One way to talk to the database: `withTransaction` runs a function inside
 * BEGIN … COMMIT (ROLLBACK on any error) and `query` runs one statement, both
 * with the storage layer's one classification (classifyDatabaseError):
 * transient failures become StorageUnavailableError, data the database
 * refuses InvalidDataError, anything else DatabaseBugError. Keep
 * transactions short: on PGlite an open transaction holds every other
 * connection.
 */
import type pg from 'pg';
import type { Database } from './database.ts';
import { classifyDatabaseError, StorageUnavailableError } from './errors.ts';

/** A query function bound to one connection (inside a transaction) or the pool. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface TransactionOptions {
  /** `BEGIN ISOLATION LEVEL …` (default: the server's, READ COMMITTED). */
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  /** A READ ONLY transaction. */
  readOnly?: boolean;
  /** `SET LOCAL statement_timeout` in ms for every statement of the transaction (PostgreSQL only). */
  statementTimeoutMs?: number;
}

/** The connection withTransaction runs on: a Database (a pooled connection, released after) or one the caller holds. */
export type TransactionTarget = Database | pg.PoolClient;

function beginStatement(options: TransactionOptions): string {
  let sql = 'BEGIN';
  if (options.isolation) sql += ` ISOLATION LEVEL ${options.isolation.toUpperCase()}`;
  if (options.readOnly) sql += ' READ ONLY';
  return sql;
}

/**
 * Runs `fn` inside BEGIN … COMMIT on `target`; rolls back and rethrows the
 * failure classified (as a StorageError named after `what`) on any error.
 * Given a Database, it takes a pooled connection and releases it (destroyed
 * when ROLLBACK failed); given a client, the caller keeps it: a failed
 * ROLLBACK is then a StorageUnavailableError whose cause is the ROLLBACK's
 * error, and the caller should destroy the connection.
 */
export async function withTransaction<T>(
  target: TransactionTarget,
  what: string,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (!('pool' in target)) return transactionOn(target, what, fn, options);
  let client: pg.PoolClient;
  try {
    client = await target.pool.connect();
  } catch (err) {
    throw classifyDatabaseError(`${what}: cannot connect`, err);
  }
  let broken: Error | undefined;
  try {
    return await transactionOn(client, what, fn, target.mode === 'postgres' ? options : withoutTimeout(options));
  } catch (err) {
    if (err instanceof RollbackFailedError) broken = err;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** PGlite has no statement_timeout worth setting: it runs one statement at a time in-process. */
function withoutTimeout(options: TransactionOptions): TransactionOptions {
  const { statementTimeoutMs: _ignored, ...rest } = options;
  return rest;
}

/** The transaction's statements failed and so did its ROLLBACK: the connection is unusable. */
class RollbackFailedError extends StorageUnavailableError {}

async function transactionOn<T>(
  client: pg.PoolClient,
  what: string,
  fn: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions,
): Promise<T> {
  try {
    await client.query(beginStatement(options));
  } catch (err) {
    throw classifyDatabaseError(what, err);
  }
  try {
    if (options.statementTimeoutMs !== undefined) {
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs))}`);
    }
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      throw new RollbackFailedError(
        `${what}: ${(err as Error)?.message ?? String(err)}; ROLLBACK failed too: ${(rollbackErr as Error).message}`,
        { cause: rollbackErr },
      );
    }
    throw classifyDatabaseError(what, err);
  }
}

/** Runs one statement on the pool (or a transaction's client), classified. */
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
    throw classifyDatabaseError(what, err);
  }
}
