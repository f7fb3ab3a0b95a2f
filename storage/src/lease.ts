/**
 * One holder among the processes that share a database: a session-level
 * PostgreSQL advisory lock kept on a connection of its own. Used so that one
 * API replica, not every one, exports the analysis results (they read the same
 * tables, and N copies of every series would double every sum and alert).
 *
 * The lock lives as long as its connection: a holder that dies or loses its
 * connection releases it, and another process takes it on its next `hold()`.
 * The connection is not one of the pool's, so holding the lease never starves
 * a small pool of the queries it guards. An embedded database (PGlite) belongs
 * to one process, so there the lease is always held and no connection is made.
 *
 * The connection uses TCP keepalive and a client-side query timeout: on a
 * half-open connection (a peer gone without a FIN) `SELECT 1` would otherwise
 * wait forever, hold() would never settle and the lease would be neither
 * confirmed nor given up. A timed-out hold() rejects and drops the connection
 * (the server ends the session, and the lock, when it notices).
 *
 * The lock is a session lock: the connection must reach PostgreSQL directly or
 * through a session-mode pooler; PgBouncer in transaction mode hands the
 * session to other clients and breaks it.
 */
import pg from 'pg';
import type { Database } from './database.ts';

/** classid of hydra's advisory locks (ASCII "hydr"); the objid names the lease. */
export const ADVISORY_LOCK_CLASS = 0x68796472;
/** The lease of the analysis export. */
export const ANALYSIS_EXPORT_LEASE = 1;
/** Longest a query on the lease's connection may take before hold() gives up and rejects. */
export const DEFAULT_LEASE_QUERY_TIMEOUT_MS = 10_000;
/** Longest release() waits for the connection to close before it destroys the socket. */
export const LEASE_RELEASE_TIMEOUT_MS = 2_000;

export interface AdvisoryLeaseOptions {
  /** default DEFAULT_LEASE_QUERY_TIMEOUT_MS */
  queryTimeoutMs?: number;
}

export class AdvisoryLease {
  readonly #db: Database;
  readonly #id: number;
  readonly #queryTimeoutMs: number;
  #client: pg.Client | null = null;
  #closed = false;

  /** @param id the objid of the lock (a 32-bit integer); ADVISORY_LOCK_CLASS is its classid */
  constructor(db: Database, id: number, options: AdvisoryLeaseOptions = {}) {
    if (!Number.isInteger(id) || id < -(2 ** 31) || id >= 2 ** 31)
      throw new RangeError(`AdvisoryLease: id must be a 32-bit integer, got ${id}`);
    const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_LEASE_QUERY_TIMEOUT_MS;
    if (!Number.isInteger(queryTimeoutMs) || queryTimeoutMs < 1)
      throw new RangeError(`AdvisoryLease: queryTimeoutMs must be a positive whole number, got ${queryTimeoutMs}`);
    this.#db = db;
    this.#id = id;
    this.#queryTimeoutMs = queryTimeoutMs;
  }

  /** Whether this process holds the lease (as of the last hold()). */
  get held(): boolean {
    return this.#db.embedded ? !this.#closed : this.#client !== null;
  }

  /**
   * Takes the lease if it is free, or checks that the connection holding it is
   * still alive; resolves whether this process holds it. Rejects when the
   * database cannot be reached or does not answer within the query timeout
   * (it is then not held).
   */
  async hold(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#db.embedded) return true;
    if (this.#client) {
      try {
        await this.#client.query('SELECT 1');
        return true;
      } catch {
        // the connection died (or hangs), and the lock with it: drop it and try again below
        destroy(this.#client);
        this.#client = null;
      }
    }
    const { connectionString, connectionTimeoutMillis, application_name } = this.#db.pool.options as pg.PoolConfig;
    const client = new pg.Client({
      connectionString,
      connectionTimeoutMillis: connectionTimeoutMillis ?? this.#queryTimeoutMs,
      application_name: `${application_name ?? 'hydra'} lease ${this.#id}`,
      keepAlive: true,
      query_timeout: this.#queryTimeoutMs,
    });
    // a connection that dies between queries emits 'error'; the next hold() sees it fail
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [
        ADVISORY_LOCK_CLASS,
        this.#id,
      ]);
      if (rows[0]?.locked === true && !this.#closed) {
        this.#client = client;
        return true;
      }
      await client.end();
      return false;
    } catch (err) {
      destroy(client);
      throw err;
    }
  }

  /**
   * Gives the lease up (closing its connection releases the lock); idempotent. Waits at most
   * LEASE_RELEASE_TIMEOUT_MS for a clean close, then destroys the socket (the server then ends the session).
   */
  async release(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), LEASE_RELEASE_TIMEOUT_MS);
    });
    const ended = client.end().then(
      () => false,
      () => false,
    );
    if (await Promise.race([ended, timedOut])) destroy(client);
    clearTimeout(timer);
  }
}

/** Closes a client's socket at once, without the goodbye a hung connection would never answer. */
function destroy(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  void client.end().catch(() => {});
}
