import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, EMBEDDED_POOL_SIZE } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';

describe.each(testBackends())('Database.connect on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    db = await Database.connect({ url: test.url, mode: test.mode, poolSize: 8 });
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('knows whether the server is the embedded PGlite', () => {
    expect(db.embedded).toBe(backend !== 'postgres');
  });

  it('regression: concurrent parameterised queries on PGlite are not interleaved (pool capped at one connection)', async () => {
    // With several sockets, pglite-socket mixed their extended-protocol messages:
    // "bind message supplies 1 parameters, but prepared statement "" requires 6".
    const expectedMax = backend === 'postgres' ? 8 : EMBEDDED_POOL_SIZE;
    expect(db.pool.options.max).toBe(expectedMax);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? db.pool.query<{ s: number }>('SELECT $1::int + $2::int + $3::int + $4::int + $5::int + $6::int AS s', [
              i,
              1,
              1,
              1,
              1,
              1,
            ])
          : db.pool.query<{ s: number }>('SELECT $1::int AS s', [i]),
      ),
    );
    results.forEach((r, i) => expect(r.rows[0]!.s).toBe(i % 2 === 0 ? i + 5 : i));
    expect(db.pool.totalCount).toBeLessThanOrEqual(expectedMax);
  });
});
