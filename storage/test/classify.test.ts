/**
 * The one database error classifier (transient / bad data / bug) and
 * withTransaction, on every kind of failure the modules meet: the four
 * classifiers it replaced disagreed on 57 vs 57P, called an SQL bug
 * retryable, and called the binary COPY encoder's RangeError an outage.
 */
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyDatabaseError,
  databaseErrorKind,
  DatabaseBugError,
  InvalidDataError,
  StorageUnavailableError,
  withTransaction,
} from '../src/index.ts';
import { encodeHistograms } from '../src/copy-binary.ts';
import { openMigrated, type MigratedDatabase } from './helpers.ts';

const pgError = (code: string, message = `SQLSTATE ${code}`) => Object.assign(new Error(message), { code });

describe('databaseErrorKind', () => {
  it.each([
    ['57014 query_canceled (statement timeout, a cancelled read)', pgError('57014'), 'transient'],
    ['57P01 admin_shutdown', pgError('57P01'), 'transient'],
    ['57P03 cannot_connect_now', pgError('57P03'), 'transient'],
    ['08006 connection_failure', pgError('08006'), 'transient'],
    ['53300 too_many_connections', pgError('53300'), 'transient'],
    ['40001 serialization_failure', pgError('40001'), 'transient'],
    ['40P01 deadlock_detected', pgError('40P01'), 'transient'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'transient'],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect'), 'transient'],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly'), 'transient'],
    ['wrapped with a cause', new Error('cannot connect', { cause: pgError('08001') }), 'transient'],
    ['22021 invalid byte sequence', pgError('22021'), 'bad-data'],
    ['22003 numeric out of range', pgError('22003'), 'bad-data'],
    ['23505 unique_violation', pgError('23505'), 'bad-data'],
    ['54000 index row too large', pgError('54000'), 'bad-data'],
    ['42601 syntax error (an SQL bug)', pgError('42601'), 'bug'],
    ['42P01 undefined table', pgError('42P01'), 'bug'],
    ['XX000 internal error', pgError('XX000'), 'bug'],
    ['a TypeError', new TypeError('x is undefined'), 'bug'],
  ] as const)('%s → %s', (_name, err, kind) => {
    expect(databaseErrorKind(err)).toBe(kind);
  });

  it("the binary COPY encoder's RangeError for a count ≥ 2^63 is bad data, not an outage", () => {
    const point = { seriesId: 1, timeUs: 1, startTimeUs: null, count: 2 ** 64, sum: 1, min: null, max: null };
    let thrown: unknown;
    try {
      encodeHistograms([{ ...point, bounds: [], bucketCounts: [] }]);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(databaseErrorKind(thrown)).toBe('bad-data');
    expect(classifyDatabaseError('batch', thrown)).toBeInstanceOf(InvalidDataError);
  });

  it('classifies into the StorageError of each kind, keeping the SQLSTATE', () => {
    expect(classifyDatabaseError('q', pgError('57P01'))).toBeInstanceOf(StorageUnavailableError);
    const bad = classifyDatabaseError('q', pgError('22P02'));
    expect(bad).toBeInstanceOf(InvalidDataError);
    expect((bad as InvalidDataError).sqlState).toBe('22P02');
    const bug = classifyDatabaseError('q', pgError('42703'));
    expect(bug).toBeInstanceOf(DatabaseBugError);
    expect(bug.retryable).toBe(false);
    expect(bug.message).toMatch(/^q: .*SQLSTATE 42703/);
  });
});

describe.each(testBackends())('withTransaction on %s', (backend) => {
  let m: MigratedDatabase;
  beforeAll(async () => {
    m = await openMigrated(backend);
    await m.db.pool.query('CREATE TABLE tx_probe (v int PRIMARY KEY)');
  }, 60_000);
  afterAll(async () => m?.close());

  const count = async () =>
    (await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tx_probe')).rows[0]!.n;

  it('commits what fn did and returns its value', async () => {
    const v = await withTransaction(m.db, 'insert', async (c) => {
      await c.query('INSERT INTO tx_probe VALUES (1)');
      return 42;
    });
    expect(v).toBe(42);
    expect(await count()).toBe(1);
  });

  it('rolls back on an error and throws it classified: a duplicate is bad data, an SQL bug a bug', async () => {
    const dup = withTransaction(m.db, 'insert twice', async (c) => {
      await c.query('INSERT INTO tx_probe VALUES (2)');
      await c.query('INSERT INTO tx_probe VALUES (1)');
    });
    await expect(dup).rejects.toMatchObject({ name: 'InvalidDataError', sqlState: '23505' });
    const bug = withTransaction(m.db, 'bad sql', async (c) => {
      await c.query('INSERT INTO tx_probe VALUES (3)');
      await c.query('SELEC 1');
    });
    await expect(bug).rejects.toBeInstanceOf(DatabaseBugError);
    expect(await count()).toBe(1);
    // the pool's connection is usable afterwards
    expect(await withTransaction(m.db, 'after', async (c) => (await c.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
  });

  // PGlite has no statement timeout: this case is declared on PostgreSQL only (not reported as skipped).
  if (backend === 'postgres') {
    it('a statement past statementTimeoutMs is transient (57014)', async () => {
      const slow = withTransaction(m.db, 'slow read', (c) => c.query('SELECT pg_sleep(5)'), {
        readOnly: true,
        statementTimeoutMs: 100,
      });
      await expect(slow).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(slow).rejects.toThrow(/57014/);
    });
  }
});
