/**
 * Databases for tests. Every suite that needs PostgreSQL runs against each
 * backend `testBackends()` lists: the embedded PGlite always, and the real
 * PostgreSQL server named by HYDRA_TEST_DATABASE_URL when it is set. Each call
 * of `openTestDatabase` gets a fresh, empty database that `close()` drops.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded.ts';

export type TestBackend = 'pglite' | 'postgres';

export interface TestDatabase {
  backend: TestBackend;
  url: string;
  close(): Promise<void>;
}

export function testBackends(): TestBackend[] {
  return process.env.HYDRA_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function openTestDatabase(backend: TestBackend = 'pglite'): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const embedded = await startEmbeddedPostgres();
    return { backend, url: embedded.url, close: () => embedded.stop() };
  }
  const serverUrl = process.env.HYDRA_TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('openTestDatabase: HYDRA_TEST_DATABASE_URL is not set');
  const name = `hydra_test_${process.pid}_${randomBytes(4).toString('hex')}`;
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
    backend,
    url: url.toString(),
    async close() {
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
