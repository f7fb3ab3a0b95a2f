/**
 * Daily range partitions of the point tables (plain PostgreSQL mode only):
 * created ahead by Maintenance and on demand by the writer when a batch holds
 * a day with no partition (backfill, the seed of past days), dropped by
 * DETACH + DROP when the whole day is past retention. Partition DDL runs in
 * its own short transaction under an advisory lock, never inside a data
 * transaction (CREATE … PARTITION OF locks the parent until commit).
 */
import type pg from 'pg';
import type { Database } from './database.ts';
import { withTransaction } from './transaction.ts';

/** Tables partitioned by day in plain PostgreSQL mode. */
export const PARTITIONED_TABLES = ['samples', 'histogram_samples', 'exp_histogram_samples'] as const;
export const MICROS_PER_DAY = 86_400_000_000;
/** Days remembered as having partitions; past this the cache is reloaded from the catalog. */
export const MAX_KNOWN_PARTITION_DAYS = 4_096;
/** Key of the transaction advisory lock that serialises partition DDL across processes. */
export const PARTITION_LOCK_KEY = 4_815_162_343;

const NAME_PATTERN = /_p(\d{4})(\d{2})(\d{2})$/;

/** Day number (days since the Unix epoch, UTC) of a µs timestamp. */
export function dayOfMicros(timeUs: number): number {
  return Math.floor(timeUs / MICROS_PER_DAY);
}

/** `samples_p20261126` for table 'samples' and that day. */
export function partitionName(table: string, day: number): string {
  return `${table}_p${new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Day number encoded in a partition's name, or null if the name is not one of ours. */
export function partitionDay(name: string): number | null {
  const m = NAME_PATTERN.exec(name);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? null : ms / 86_400_000;
}

function dayStartIso(day: number): string {
  return new Date(day * 86_400_000).toISOString();
}

export class PartitionManager {
  readonly #db: Database;
  #known = new Set<number>();
  #loaded = false;

  constructor(db: Database) {
    this.#db = db;
  }

  /** Forget what is known (after a write failed on a missing partition, or a drop). */
  invalidate(): void {
    this.#known = new Set();
    this.#loaded = false;
  }

  /** Makes sure every table has a partition for each day; cheap when all are known. */
  async ensure(days: Iterable<number>): Promise<number[]> {
    if (this.#db.mode !== 'postgres') return [];
    if (!this.#loaded || this.#known.size > MAX_KNOWN_PARTITION_DAYS) await this.#load();
    const missing = [...new Set(days)].filter((d) => !this.#known.has(d)).sort((a, b) => a - b);
    if (missing.length === 0) return [];
    await withTransaction(this.#db, 'create day partitions', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY]);
      for (const day of missing) await createPartitions(client, day);
    });
    for (const day of missing) this.#known.add(day);
    return missing;
  }

  /** Day numbers that have a `samples` partition, ascending. */
  async listDays(): Promise<number[]> {
    const res = await this.#db.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'samples'::regclass`,
    );
    return res.rows
      .map((r) => partitionDay(r.name))
      .filter((d): d is number => d !== null)
      .sort((a, b) => a - b);
  }

  /**
   * Detaches and drops the partitions of every table whose whole day ends at
   * or before `cutoffUs`. Returns the names dropped.
   */
  async dropBefore(cutoffUs: number): Promise<string[]> {
    if (this.#db.mode !== 'postgres') return [];
    const dropped: string[] = [];
    const lastWholeDay = dayOfMicros(cutoffUs) - 1;
    for (const table of PARTITIONED_TABLES) {
      const res = await this.#db.pool.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = $1::regclass`,
        [table],
      );
      for (const { name } of res.rows) {
        const day = partitionDay(name);
        if (day === null || day > lastWholeDay) continue;
        await withTransaction(this.#db, `drop partition ${name}`, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [PARTITION_LOCK_KEY]);
          await client.query(`ALTER TABLE ${table} DETACH PARTITION ${name}`);
          await client.query(`DROP TABLE ${name}`);
        });
        dropped.push(name);
      }
    }
    if (dropped.length > 0) this.invalidate();
    return dropped;
  }

  async #load(): Promise<void> {
    this.#known = new Set(await this.listDays());
    this.#loaded = true;
  }
}

async function createPartitions(client: pg.PoolClient, day: number): Promise<void> {
  const from = dayStartIso(day);
  const to = dayStartIso(day + 1);
  for (const table of PARTITIONED_TABLES) {
    // Identifiers come from PARTITIONED_TABLES and a computed date; bounds are ISO literals we formatted.
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${partitionName(table, day)} PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}')`,
    );
  }
}
