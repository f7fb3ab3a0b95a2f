/**
 * The embedded PostgreSQL of `hydra up` and of the tests: PGlite (PostgreSQL
 * compiled to WebAssembly) served on the wire protocol by pglite-socket, so that
 * every package reaches every database through `pg` alone.
 *
 * PGlite runs one query at a time; pglite-socket queues the queries of all
 * connections into it, and an open transaction holds the others until it ends.
 * PGlite does not take COPY FROM STDIN over the socket, so the writer uses
 * INSERT … unnest against it (see writer.ts).
 */
import net from 'node:net';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

/** Connections pglite-socket accepts; a pg.Pool above 1 needs more than its default of 1. */
export const EMBEDDED_MAX_CONNECTIONS = 32;

export interface EmbeddedPostgresOptions {
  /** Directory to persist to; in memory when omitted. */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * An already created PGlite to serve instead of a new one from `@electric-sql/pglite` (the tests' TimescaleDB
   * build, see testing.ts); `dataDir` is then ignored. `stop()` closes it.
   */
  engine?: PGlite;
}

export interface EmbeddedPostgres {
  /** postgres:// URL for `pg` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Ports tried when the one freePort found is taken before the embedded server listens on it. */
const FREE_PORT_ATTEMPTS = 5;

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts PGlite (in `dataDir`, else in memory) behind a wire-protocol server.
 * @throws DataDirLockedError when another live process has `dataDir` open (see data-dir-lock.ts)
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const fixed = options.port !== undefined && options.port > 0;
  let lock: DataDirLock | null = null;
  if (options.dataDir && !options.engine) {
    await mkdir(options.dataDir, { recursive: true });
    lock = await lockDataDir(options.dataDir);
  }
  let db: PGlite;
  try {
    db = options.engine ?? (await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {}));
  } catch (err) {
    await lock?.release();
    throw err;
  }
  let port = fixed ? options.port! : await freePort(host);
  let server: PGLiteSocketServer;
  for (let attempt = 1; ; attempt++) {
    server = new PGLiteSocketServer({ db, host, port, maxConnections: EMBEDDED_MAX_CONNECTIONS });
    try {
      await server.start();
      break;
    } catch (err) {
      // a port freePort found can be taken by another process before we listen on it: take another one
      if (!fixed && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < FREE_PORT_ATTEMPTS) {
        port = await freePort(host);
        continue;
      }
      await db.close();
      await lock?.release();
      throw new Error(`embedded PostgreSQL could not listen on ${host}:${port}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  let stopped = false;
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await server.stop();
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
