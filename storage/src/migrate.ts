/**
 * Versioned SQL migrations. Files live in storage/migrations and are named
 *   NNNN_name.sql              — applied in every mode
 *   NNNN_name.postgres.sql     — applied only in plain PostgreSQL mode
 *   NNNN_name.timescaledb.sql  — applied only in TimescaleDB mode
 * A version has either one common file or one file per mode, so version
 * numbers mean the same schema level in both modes. Applied migrations are
 * recorded in hydra_schema_migrations (version, name, mode, checksum,
 * applied_at); each runs in its own transaction under a session advisory lock,
 * and a file whose checksum changed after it was applied stops the run.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { MIGRATIONS_TABLE } from './database.ts';
import { classifyDatabaseError, isRetryable, MigrationError } from './errors.ts';
import { withTransaction } from './transaction.ts';
import type { StorageMode } from './types.ts';

/** Directory of the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
/** Key of the session advisory lock that serialises concurrent `migrate` runs (any 64-bit constant). */
export const MIGRATION_LOCK_KEY = 4_815_162_342;

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)(?:\.(postgres|timescaledb))?\.sql$/;

export interface Migration {
  version: number;
  /** file name without `.sql`, e.g. '0002_samples.postgres' */
  name: string;
  sql: string;
  /** sha256 of the file, hex */
  checksum: string;
}

/** The migrations that apply in `mode`, in version order. Throws MigrationError on a malformed directory. */
export async function loadMigrations(mode: StorageMode, dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const byVersion = new Map<number, { common?: string; modes: Set<string>; chosen?: string }>();
  for (const file of files) {
    const m = FILE_PATTERN.exec(file);
    if (!m) throw new MigrationError(`migration file '${file}': name must be NNNN_name[.postgres|.timescaledb].sql`);
    const version = Number(m[1]);
    const entry = byVersion.get(version) ?? { modes: new Set<string>() };
    const fileMode = m[3];
    if (fileMode) {
      entry.modes.add(fileMode);
      if (fileMode === mode) entry.chosen = file;
    } else {
      if (entry.common)
        throw new MigrationError(`migration version ${m[1]}: two common files '${entry.common}' and '${file}'`);
      entry.common = file;
    }
    if (entry.common && entry.modes.size > 0) {
      throw new MigrationError(
        `migration version ${m[1]}: '${entry.common}' applies to every mode, so no per-mode file may share its version`,
      );
    }
    byVersion.set(version, entry);
  }
  const migrations: Migration[] = [];
  for (const [version, entry] of [...byVersion].sort((a, b) => a[0] - b[0])) {
    const file = entry.common ?? entry.chosen;
    if (!file) {
      throw new MigrationError(`migration version ${String(version).padStart(4, '0')} has no file for mode '${mode}'`);
    }
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    migrations.push({ version, name: file.slice(0, -'.sql'.length), sql, checksum: sha256(sql) });
  }
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies every pending migration for the database's mode, in order, each in
 * its own transaction, under an advisory lock (concurrent callers wait, then
 * find nothing to do). Idempotent. Throws MigrationError when an applied
 * file's checksum changed; StorageUnavailableError when the server is unreachable.
 */
export async function migrate(db: Database, options: { dir?: string } = {}): Promise<{ applied: string[] }> {
  const migrations = await loadMigrations(db.mode, options.dir);
  let client;
  try {
    client = await db.pool.connect();
  } catch (err) {
    throw classifyDatabaseError('migrate: cannot connect', err);
  }
  const applied: string[] = [];
  let failure: unknown = null;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
           version integer PRIMARY KEY,
           name text NOT NULL,
           mode text NOT NULL,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = await client.query<AppliedRow>(
        `SELECT version, name, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`,
      );
      const doneByVersion = new Map(done.rows.map((r) => [r.version, r]));
      for (const m of migrations) {
        const row = doneByVersion.get(m.version);
        if (row && (row.checksum !== m.checksum || row.name !== m.name)) {
          throw new MigrationError(
            `migration ${m.name}.sql was changed after it was applied (recorded ${row.name} sha256 ${row.checksum.slice(0, 12)}…, ` +
              `file sha256 ${m.checksum.slice(0, 12)}…); add a new migration instead of editing an applied one`,
          );
        }
      }
      for (const m of migrations) {
        if (doneByVersion.has(m.version)) continue;
        try {
          await withTransaction(client, `migration ${m.name}.sql`, async () => {
            await client.query(m.sql);
            await client.query(
              `INSERT INTO ${MIGRATIONS_TABLE} (version, name, mode, checksum) VALUES ($1, $2, $3, $4)`,
              [m.version, m.name, db.mode, m.checksum],
            );
          });
        } catch (err) {
          if (isRetryable(err)) throw err;
          throw new MigrationError(`migration ${m.name}.sql failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.name);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    failure = err;
    throw classifyDatabaseError('migrate', err);
  } finally {
    // A connection that failed mid-migration may be in an unknown state: destroy it.
    client.release(isRetryable(failure) ? (failure as Error) : undefined);
  }
  return { applied };
}

/**
 * Where the schema stands: highest applied version, highest known version, and the names of every file not applied
 * — whatever its number, so a migration numbered below the newest applied one (added by a later release) is pending
 * although `current === latest`. The schema is up to date only when `pending` is empty.
 */
export async function migrationStatus(
  db: Database,
  options: { dir?: string } = {},
): Promise<{ current: number; latest: number; pending: string[] }> {
  const migrations = await loadMigrations(db.mode, options.dir);
  let rows: Array<{ version: number }> = [];
  try {
    const exists = await db.pool.query<{ t: string | null }>(`SELECT to_regclass('${MIGRATIONS_TABLE}')::text AS t`);
    if (exists.rows[0]?.t)
      rows = (await db.pool.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows;
  } catch (err) {
    throw classifyDatabaseError('migrationStatus', err);
  }
  const applied = new Set(rows.map((r) => r.version));
  return {
    current: Math.max(0, ...applied),
    latest: Math.max(0, ...migrations.map((m) => m.version)),
    pending: migrations.filter((m) => !applied.has(m.version)).map((m) => m.name),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
