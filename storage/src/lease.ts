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
 */
import pg from 'pg';
import type { Database } from './database.ts';

/** classid of hydra's advisory locks (ASCII "hydr"); the objid names the lease. */
export const ADVISORY_LOCK_CLASS = 0x68796472;
/** The lease of the analysis export. */
export const ANALYSIS_EXPORT_LEASE = 1;

export class AdvisoryLease {
  readonly #db: Database;
  readonly #id: number;
  #client: pg.Client | null = null;
  #closed = false;

  /** @param id the objid of the lock (a 32-bit integer); ADVISORY_LOCK_CLASS is its classid */
  constructor(db: Database, id: number) {
    if (!Number.isInteger(id) || id < -(2 ** 31) || id >= 2 ** 31)
      throw new RangeError(`AdvisoryLease: id must be a 32-bit integer, got ${id}`);
    this.#db = db;
    this.#id = id;
  }

  /** Whether this process holds the lease (as of the last hold()). */
  get held(): boolean {
    return this.#db.embedded ? !this.#closed : this.#client !== null;
  }

  /**
   * Takes the lease if it is free, or checks that the connection holding it is
   * still alive; resolves whether this process holds it. Rejects when the
   * database cannot be reached (it is then not held).
   */
  async hold(): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#db.embedded) return true;
    if (this.#client) {
      try {
        await this.#client.query('SELECT 1');
        return true;
      } catch {
        // the connection died, and the lock with it: drop it and try again below
        void this.#client.end().catch(() => {});
        this.#client = null;
      }
    }
    const { connectionString, connectionTimeoutMillis, application_name } = this.#db.pool.options as pg.PoolConfig;
    const client = new pg.Client({
      connectionString,
      connectionTimeoutMillis,
      application_name: `${application_name ?? 'hydra'} lease ${this.#id}`,
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
      void client.end().catch(() => {});
      throw err;
    }
  }

  /** Gives the lease up (closing its connection releases the lock); idempotent. */
  async release(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}
