/**
 * Opens hydra's database for a command: the server named by DATABASE_URL, or
 * the embedded PGlite persisted under HYDRA_DATA_DIR/pgdata when it is empty;
 * then (optionally) applies the migrations.
 */
import { Database, migrate, startEmbeddedPostgres, type EmbeddedPostgres } from '@hydra/storage';
import type { HydraConfig } from '../config.ts';
import type { Logger } from '@hydra/logging';

/**
 * Connections of the command's pool on a real server; against the embedded PGlite the storage layer
 * caps it at one (storage's EMBEDDED_POOL_SIZE: pglite-socket interleaves concurrent connections).
 */
export const POOL_SIZE = 10;
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
  options: { component: string; migrate: boolean; logger: Logger },
): Promise<OpenedStorage> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.databaseUrl;
  if (url === null) {
    options.logger.info(`starting the embedded PostgreSQL (PGlite) in ${config.embeddedDataDir}`);
    embedded = await startEmbeddedPostgres({ dataDir: config.embeddedDataDir, host: EMBEDDED_HOST, port: 0 });
    url = embedded.url;
  }
  let db: Database;
  try {
    db = await Database.connect({
      url,
      mode: config.storage,
      poolSize: POOL_SIZE,
      applicationName: `hydra-${options.component}`,
      retentionDays: config.retentionDays,
    });
    if (options.migrate) {
      const { applied } = await migrate(db);
      if (applied.length > 0) options.logger.info(`applied migrations: ${applied.join(', ')}`);
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
