import { cp, mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, MigrationError, MIGRATIONS_DIR, migrate, migrationStatus, loadMigrations } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';

describe.each(testBackends())('migrations on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let dir: string;

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    db = await Database.connect({ url: test.url, mode: test.mode, poolSize: 3 });
    dir = await mkdtemp(join(tmpdir(), 'hydra-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports every migration pending on an empty database', async () => {
    const all = await loadMigrations(test.mode);
    expect(await migrationStatus(db)).toEqual({
      current: 0,
      latest: all.at(-1)?.version,
      pending: all.map((m) => m.name),
    });
  });

  it("applies its mode's files in order, then nothing the second time", async () => {
    const all = await loadMigrations(test.mode, dir);
    const first = await migrate(db, { dir });
    expect(first.applied).toEqual(all.map((m) => m.name));
    expect(first.applied.slice(0, 4)).toEqual([
      '0001_catalog',
      `0002_samples.${test.mode}`,
      `0003_rollups.${test.mode}`,
      `0004_rollup_bucket_index.${test.mode}`,
    ]);
    expect(await migrate(db, { dir })).toEqual({ applied: [] });
    const latest = all.at(-1)!.version;
    expect(await migrationStatus(db, { dir })).toEqual({ current: latest, latest, pending: [] });
    const tables = await db.pool.query<{ t: string }>(
      "SELECT to_regclass('samples')::text AS t UNION ALL SELECT to_regclass('samples_1h')::text UNION ALL SELECT to_regclass('series')::text",
    );
    expect(tables.rows.map((r) => r.t)).toEqual(['samples', 'samples_1h', 'series']);
  });

  it('serialises concurrent runs under the advisory lock', async () => {
    const runs = await Promise.all([migrate(db, { dir }), migrate(db, { dir })]);
    expect(runs.flatMap((r) => r.applied)).toEqual([]);
  });

  it('refuses to run when an applied file changed', async () => {
    await appendFile(join(dir, '0001_catalog.sql'), '\n-- edited after the fact\n');
    await expect(migrate(db, { dir })).rejects.toThrow(MigrationError);
    await expect(migrate(db, { dir })).rejects.toThrow(/0001_catalog\.sql was changed after it was applied/);
  });

  it('remembers the mode it was migrated in', async () => {
    const again = await Database.connect({ url: test.url, mode: 'auto', poolSize: 1 });
    try {
      expect(again.mode).toBe(test.mode);
    } finally {
      await again.close();
    }
    const other = test.mode === 'postgres' ? 'timescaledb' : 'postgres';
    await expect(Database.connect({ url: test.url, mode: other, poolSize: 1 })).rejects.toThrow(
      `migrated in '${test.mode}' mode`,
    );
  });
});

describe('migration files', () => {
  it('resolve per mode to the same version numbers', async () => {
    const pg = await loadMigrations('postgres');
    const ts = await loadMigrations('timescaledb');
    expect(pg.map((m) => m.version)).toEqual(ts.map((m) => m.version));
    expect(ts.map((m) => m.name).slice(0, 4)).toEqual([
      '0001_catalog',
      '0002_samples.timescaledb',
      '0003_rollups.timescaledb',
      '0004_rollup_bucket_index.timescaledb',
    ]);
  });
});
