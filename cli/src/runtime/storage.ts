/**
 * Opens hydra's database for a command: the server named by DATABASE_URL, or
 * the embedded PGlite persisted under HYDRA_DATA_DIR/pgdata when it is empty;
 * then (optionally) applies the migrations.
 */
import { Database, migrate, startEmbeddedPostgres, type EmbeddedPostgres } from '@hydra/storage';
import type { HydraConfig } from '../config.ts';

/** Connections of the command's pool on a real server; PGlite runs one query at a time anyway. */
export const SERVER_POOL_SIZE = 10;
/**
 * One connection to the embedded PGlite: pglite-socket interleaves the extended-protocol messages of
 * concurrent connections outside transactions (electric-sql/pglite#1046), which in `hydra up` failed
 * the demo seed ("metric … was neither inserted nor found"), maintenance and the analysis jobs with
 * "bind message supplies 1 parameters, but prepared statement \"\" requires 6". PGlite runs one
 * query at a time anyway, so one connection costs no throughput.
 */
export const EMBEDDED_POOL_SIZE = 1;
/** The embedded server listens on loopback only, on a free port. */
export const EMBEDDED_HOST = '127.0.0.1';

export interface OpenedStorage {
  db: Database;
  /** null when DATABASE_URL names a server */
  embedded: EmbeddedPostgres | null;
  /** Closes the pool, then stops the embedded server; idempotent. */
  close(): Promise<void>;
}

export async function openStorage(
  config: HydraConfig,
  options: { component: string; migrate: boolean; log: (message: string) => void },
): Promise<OpenedStorage> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  if (url === null) {
    options.log(`starting the embedded PostgreSQL (PGlite) in ${config.embeddedDataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, host: EMBEDDED_HOST, port: 0 });
    url = embedded.url;
  }
  let db: Database;
  try {
    db = await Database.connect({
      url,
      mode: config.storage,
      poolSize: embedded ? EMBEDDED_POOL_SIZE : SERVER_POOL_SIZE,
      applicationName: `hydra-${options.component}`,
      retentionDays: config.retentionDays,
    });
    if (options.migrate) {
      const { applied } = await migrate(db);
      if (applied.length > 0) options.log(`applied migrations: ${applied.join(', ')}`);
    }
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    db,
    embedded,
    close() {
      closing ??= (async () => {
        try {
          await db.close();
        } finally {
          await embedded?.stop();
        }
      })();
      return closing;
    },
  };
}
