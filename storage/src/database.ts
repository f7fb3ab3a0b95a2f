/**
 * The connection to hydra's database: a `pg.Pool`, the resolved storage mode
 * (plain PostgreSQL or TimescaleDB) and whether the server is the embedded
 * PGlite (which takes no COPY FROM STDIN and runs one query at a time).
 */
import pg from 'pg';
import { DEFAULT_RETENTION_DAYS } from '@hydra/schema';
import { metrics } from '@opentelemetry/api';
import { MigrationError, StorageUnavailableError } from './errors.ts';
import { STORAGE_MODES, type StorageMode, type StorageModeSetting } from './types.ts';

export const DEFAULT_POOL_SIZE = 10;
/**
 * Connections of the separate read pool (PostgreSQL): range, trend and
 * discovery reads run there, so reads — however many, however slow — never
 * take a connection that ingest, the writer or the jobs need.
 */
export const DEFAULT_READ_POOL_SIZE = 4;
/**
 * work_mem of every read-pool connection. Range queries hash one series' buckets at a time (≤ 11,000: well under
 * 1 MB; see query/range.ts), and a cross-series aggregation its groups × steps (≤ maxPoints); 16 MB keeps both in
 * memory where PostgreSQL's default of 4 MB made a wide query spill, and bounds a read pool of 4 at 64 MB per
 * sort or hash node.
 */
export const READ_WORK_MEM = '16MB';
/** statement_timeout of every read-pool connection: no read runs longer. */
export const DEFAULT_READ_STATEMENT_TIMEOUT_MS = 30_000;
/** Connections to an embedded PGlite, whatever `poolSize` asks for (see connect). */
export const EMBEDDED_POOL_SIZE = 1;
export const DEFAULT_APPLICATION_NAME = 'hydra';
/** How long a new connection may take before the attempt counts as an outage. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** Table that records applied migrations; also where a database's mode is remembered. */
export const MIGRATIONS_TABLE = 'hydra_schema_migrations';

const MICROS_PER_DAY = 86_400_000_000;

export interface DatabaseOptions {
  /** postgres:// connection URL */
  url: string;
  /** 'auto' (default): TimescaleDB when the extension can be used, plain PostgreSQL otherwise. */
  mode?: StorageModeSetting;
  poolSize?: number;
  /** Connections of the read pool (PostgreSQL; PGlite shares its one connection). Default DEFAULT_READ_POOL_SIZE. */
  readPoolSize?: number;
  /** statement_timeout of read-pool connections in ms. Default DEFAULT_READ_STATEMENT_TIMEOUT_MS. */
  readStatementTimeoutMs?: number;
  applicationName?: string;
  /** Days of raw data kept; points older than this are refused by callers (see oldestAcceptedTimeUs). */
  retentionDays?: number;
  connectTimeoutMs?: number;
}

export class Database {
  /** Writes, ingest's series registry, jobs, maintenance. */
  readonly pool: pg.Pool;
  /**
   * Reads served to clients (ranges, trends, discovery): a separate pool on
   * PostgreSQL, bounded by readPoolSize and statement_timeout; the same pool
   * on PGlite (one connection).
   */
  readonly readPool: pg.Pool;
  readonly mode: StorageMode;
  readonly embedded: boolean;
  readonly retentionDays: number;
  #closed: Promise<void> | null = null;

  private constructor(pool: pg.Pool, readPool: pg.Pool, mode: StorageMode, embedded: boolean, retentionDays: number) {
    this.pool = pool;
    this.readPool = readPool;
    this.mode = mode;
    this.embedded = embedded;
    this.retentionDays = retentionDays;
  }

  /**
   * Opens a pool, checks the server answers, and resolves the storage mode.
   * Throws StorageUnavailableError when the server cannot be reached and
   * MigrationError when 'timescaledb' is asked for but not installable.
   */
  static async connect(options: DatabaseOptions): Promise<Database> {
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      throw new RangeError(`DatabaseOptions.poolSize: must be a positive integer, got ${poolSize}`);
    }
    const readPoolSize = options.readPoolSize ?? DEFAULT_READ_POOL_SIZE;
    const readTimeoutMs = options.readStatementTimeoutMs ?? DEFAULT_READ_STATEMENT_TIMEOUT_MS;
    if (!Number.isInteger(readPoolSize) || readPoolSize < 1) {
      throw new RangeError(`DatabaseOptions.readPoolSize: must be a positive integer, got ${readPoolSize}`);
    }
    if (!Number.isInteger(readTimeoutMs) || readTimeoutMs < 1) {
      throw new RangeError(`DatabaseOptions.readStatementTimeoutMs: must be a positive integer, got ${readTimeoutMs}`);
    }
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new RangeError(`DatabaseOptions.retentionDays: must be a positive integer, got ${retentionDays}`);
    }
    const setting = options.mode ?? 'auto';
    if (!STORAGE_MODES.includes(setting)) {
      throw new RangeError(`DatabaseOptions.mode: '${String(setting)}' is not one of ${STORAGE_MODES.join(', ')}`);
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: poolSize,
      application_name: options.applicationName ?? DEFAULT_APPLICATION_NAME,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    const poolErrors = metrics.getMeter('hydra').createCounter('hydra.storage.pool.errors', {
      description: 'Errors on idle database connections (the pool drops the connection)',
    });
    // An idle connection that dies (server restart, network cut) is removed by the pool;
    // the next query reconnects. Counted, not thrown: there is no caller to throw to.
    pool.on('error', () => poolErrors.add(1));
    // A connection that dies while checked out but between queries emits 'error' on the client, which the
    // pool does not listen to then; without a listener that would be an uncaught exception. The holder of
    // the client sees the failure on its next query, so here it is only counted.
    pool.on('connect', (client) => client.on('error', () => poolErrors.add(1)));
    try {
      const probe = await pool.query<{
        version: string;
        tsdb_installed: boolean;
        tsdb_available: boolean;
        preload: string | null;
        migrations_table: string | null;
      }>(
        `SELECT version() AS version,
                EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS tsdb_installed,
                EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS tsdb_available,
                current_setting('shared_preload_libraries', true) AS preload,
                to_regclass('${MIGRATIONS_TABLE}')::text AS migrations_table`,
      );
      const row = probe.rows[0];
      if (!row) throw new Error('server returned no row for the probe query');
      // PGlite says so in version(); builds of it by others (the tests' TimescaleDB one) only say Emscripten
      const embedded = row.version.includes('PGlite') || row.version.includes('compiled by emcc');
      // pglite-socket interleaves the extended-protocol messages of concurrent connections
      // (electric-sql/pglite#1046: "bind message supplies 1 parameters, but prepared statement
      // requires 6"), and PGlite runs one query at a time anyway: one connection, whatever was asked.
      if (embedded) pool.options.max = EMBEDDED_POOL_SIZE;
      const usable = row.tsdb_installed || (row.tsdb_available && (row.preload ?? '').includes('timescaledb'));
      const recorded = row.migrations_table ? await recordedMode(pool) : null;
      const mode = resolveMode(setting, usable, recorded);
      const readPool = embedded
        ? pool
        : new pg.Pool({
            connectionString: options.url,
            max: readPoolSize,
            application_name: `${options.applicationName ?? DEFAULT_APPLICATION_NAME}-read`,
            connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
            statement_timeout: readTimeoutMs,
            options: `-c work_mem=${READ_WORK_MEM}`,
          });
      if (readPool !== pool) {
        readPool.on('error', () => poolErrors.add(1));
        readPool.on('connect', (client) => client.on('error', () => poolErrors.add(1)));
      }
      return new Database(pool, readPool, mode, embedded, retentionDays);
    } catch (err) {
      await pool.end();
      if (err instanceof MigrationError) throw err;
      throw new StorageUnavailableError(
        `database at ${redactUrl(options.url)} is unavailable: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Throws StorageUnavailableError unless the server answers a trivial query. */
  async ping(): Promise<void> {
    try {
      await this.pool.query('SELECT 1');
    } catch (err) {
      throw new StorageUnavailableError(`database ping failed: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * The version of the timescaledb extension installed in the database (e.g. '2.23.0'), or null when it is not
   * installed (plain PostgreSQL mode, or TimescaleDB mode before the first migration creates it).
   */
  async timescaleVersion(): Promise<string | null> {
    try {
      const res = await this.pool.query<{ v: string }>(
        "SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'",
      );
      return res.rows[0]?.v ?? null;
    } catch (err) {
      throw new StorageUnavailableError(`timescaledb version: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * The oldest point time (µs since the Unix epoch) still worth storing:
   * anything older falls outside retention and would be dropped. Collectors
   * refuse such points with a reason instead of writing them.
   */
  oldestAcceptedTimeUs(nowMs: number = Date.now()): number {
    return nowMs * 1000 - this.retentionDays * MICROS_PER_DAY;
  }

  /** Ends the pools; safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= Promise.all([this.pool.end(), this.readPool === this.pool ? undefined : this.readPool.end()]).then(
      () => undefined,
    );
    return this.#closed;
  }
}

async function recordedMode(pool: pg.Pool): Promise<StorageMode | null> {
  const res = await pool.query<{ mode: string }>(
    `SELECT DISTINCT mode FROM ${MIGRATIONS_TABLE} WHERE mode IS NOT NULL`,
  );
  const modes = res.rows.map((r) => r.mode);
  if (modes.length > 1)
    throw new MigrationError(`${MIGRATIONS_TABLE} records more than one storage mode: ${modes.join(', ')}`);
  const mode = modes[0];
  return mode === 'postgres' || mode === 'timescaledb' ? mode : null;
}

/**
 * Decides the mode. A database keeps the mode it was migrated in: 'auto' never
 * flips an existing plain-PostgreSQL schema to TimescaleDB (or back).
 */
export function resolveMode(
  setting: StorageModeSetting,
  timescaleUsable: boolean,
  recorded: StorageMode | null,
): StorageMode {
  if (setting === 'auto') return recorded ?? (timescaleUsable ? 'timescaledb' : 'postgres');
  if (recorded && recorded !== setting) {
    throw new MigrationError(
      `storage mode '${setting}' was asked for, but this database was migrated in '${recorded}' mode`,
    );
  }
  if (setting === 'timescaledb' && !timescaleUsable) {
    throw new MigrationError(
      "storage mode 'timescaledb' was asked for, but the timescaledb extension is neither installed nor preloaded (shared_preload_libraries)",
    );
  }
  return setting;
}

/** The URL without its password, for error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
