import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@hydra/logging';
import { Database, MIGRATIONS_DIR, migrate, migrationStatus } from '@hydra/storage';
import { openTestDatabase, testBackends } from '@hydra/storage/testing';
import { openTestApp, type TestApp } from './fixtures.ts';
import { buildApp } from '../src/index.ts';

describe.each(testBackends())('readiness on %s', (backend) => {
  // One database through the cases, in order: empty, then migrated but for 0006, then migrated.
  let t: TestApp;
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await openTestApp(backend);
    ({ db, app } = t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is not ready while migrations are pending', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({
      error: 'not_ready',
      message: expect.stringMatching(
        /^database schema is missing \d+ migration\(s\): 0001_catalog, .+ \(newest applied 0, latest \d+\); run 'hydra migrate'$/,
      ),
      details: { checks: { database: 'ok' } },
    });
  });

  it('is not ready while a migration numbered below the newest applied one is pending, ready once applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hydra-readyz-'));
    try {
      // every migration but 0006 (added after 0022 existed, as a release that adds it finds a database)
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      const skipped = (await readdir(dir)).filter((f) => f.startsWith('0006_'));
      expect(skipped.length).toBeGreaterThan(0);
      for (const f of skipped) await rm(join(dir, f));
      await migrate(db, { dir });
      const status = await migrationStatus(db);
      expect(status.current).toBe(status.latest);
      expect(status.pending).toEqual([expect.stringMatching(/^0006_unique_points/)]);

      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        error: 'not_ready',
        message: expect.stringMatching(
          /^database schema is missing 1 migration\(s\): 0006_unique_points\.\w+ \(newest applied \d+, latest \d+\); run 'hydra migrate'$/,
        ),
        details: { checks: { database: 'ok' } },
      });

      expect((await migrate(db)).applied).toEqual([expect.stringMatching(/^0006_unique_points/)]);
      expect((await migrationStatus(db)).pending).toEqual([]);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      // the mode, and on TimescaleDB the extension's version (2.23 in the tests' PGlite build)
      expect(ready.json().storage).toEqual(
        t.test.mode === 'timescaledb'
          ? { mode: 'timescaledb', timescaledb: expect.stringMatching(/^2\.\d+\.\d+/) }
          : { mode: 'postgres', timescaledb: null },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('when the database is gone', () => {
  let app: FastifyInstance | undefined;
  let db: Database | undefined;
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('answers 503 on /readyz and on queries, and stays alive', async () => {
    // the embedded PGlite behind its socket, started from the initialised cluster (stopping it is what goes wrong)
    const embedded = await openTestDatabase('pglite');
    db = await Database.connect({ url: embedded.url, poolSize: 2, connectTimeoutMs: 1_000 });
    await migrate(db);
    const logs: Array<{ level: string; msg: string; req?: { method: string; url: string } }> = [];
    const destination = { write: (line: string) => logs.push(JSON.parse(line)) };
    app = await buildApp({ db, auth: { mode: 'off' }, logger: createLogger({ component: 'api', destination }) });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await embedded.close();

    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      error: 'not_ready',
      message: expect.stringMatching(/^database is unreachable/),
    });

    const query = await app.inject({ method: 'GET', url: '/metrics' });
    expect(query.statusCode).toBe(503);
    expect(query.headers['retry-after']).toBeDefined();
    expect(query.json()).toMatchObject({
      error: 'storage_unavailable',
      message: expect.stringMatching(/^storage is unavailable/),
    });

    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    // 5xx at error level with the request; 4xx at info.
    const failed = logs.find((l) => l.msg.startsWith('request failed: storage is unavailable'));
    expect(failed?.level).toBe('error');
    expect(failed?.req).toMatchObject({ method: 'GET', url: '/metrics' });
    await app.inject({ method: 'GET', url: '/metrics?step=soon' });
    expect(logs.find((l) => l.msg.startsWith("request refused: step 'soon'"))?.level).toBe('info');
  });
});
