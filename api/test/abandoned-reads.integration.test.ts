/**
 * Ten abandoned heavy reads leave ingest answering 200 (issue 19 item 5), on
 * real PostgreSQL. The reads are made to run forever by holding an ACCESS
 * EXCLUSIVE lock on anomaly_score (which /analytics/trends joins and ingest
 * never touches): before the fix they held every connection of the one pool
 * and ingest answered 503. Now reads run on their own pool, each is
 * cancelled on the server when its client goes away, and a statement
 * timeout ends the ones nobody abandons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { BatchWriter, Database, migrate, SeriesRegistry, withTransaction } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { Ingestor } from '@hydra/collector';
import { buildApp } from '../src/index.ts';

const ABANDONED_READS = 10;
const READ_TIMEOUT_MS = 3_000;
const READ_APPLICATION = 'hydra-abandoned-read-test-read';

async function activeReads(db: Database): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`,
    [READ_APPLICATION],
  );
  return rows[0]!.n;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(testBackends().filter((b) => b === 'postgres'))('abandoned reads on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let writer: BatchWriter;
  let ingestor: Ingestor;
  let app: FastifyInstance;
  let base: string;
  let lockDb: Database;
  let releaseLock: () => void = () => undefined;
  let holding: Promise<void> | undefined;

  beforeAll(async () => {
    test = await openTestDatabase(backend);
    // a small main pool, so a read holding one of its connections would be felt at once
    db = await Database.connect({
      url: test.url,
      mode: 'postgres',
      poolSize: 3,
      readPoolSize: 2,
      readStatementTimeoutMs: 60_000,
      applicationName: 'hydra-abandoned-read-test',
    });
    await migrate(db);
    writer = new BatchWriter(db);
    writer.start();
    ingestor = new Ingestor({ registry: new SeriesRegistry(db), writer });
    app = await buildApp({ db, ingestor, auth: { mode: 'off' } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const seeded = await fetch(`${base}/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'heavy.read', value: 1, host: 'h-1' }]),
    });
    expect(seeded.status).toBe(200);
    lockDb = await Database.connect({ url: test.url, mode: 'postgres', poolSize: 1 });
    await new Promise<void>((locked, failed) => {
      holding = withTransaction(lockDb, 'hold the lock', async (c) => {
        await c.query('LOCK TABLE anomaly_score IN ACCESS EXCLUSIVE MODE');
        locked();
        await new Promise<void>((release) => (releaseLock = release));
      });
      holding.catch(failed);
    });
  }, 60_000);
  afterAll(async () => {
    releaseLock();
    await holding;
    await lockDb?.close();
    await app?.close();
    await ingestor?.shutdown();
    await writer?.shutdown();
    await db?.close();
    await test?.close();
  });

  async function ingest(i: number): Promise<number> {
    const res = await fetch(`${base}/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ name: 'ingest.during.reads', value: i, host: 'h-1' }]),
      signal: AbortSignal.timeout(20_000),
    });
    return res.status;
  }

  it('ten abandoned reads: ingest keeps answering 200 and the reads are cancelled on the server', async () => {
    const aborts = Array.from({ length: ABANDONED_READS }, () => new AbortController());
    const reads = aborts.map((a) =>
      fetch(`${base}/analytics/trends?name=heavy.read`, { signal: a.signal }).then(
        (res) => res.status,
        (err: Error) => err.name,
      ),
    );
    await waitFor('the reads to be running', async () => (await activeReads(db)) > 0);
    for (const a of aborts) a.abort();
    expect(await Promise.all(reads)).toEqual(Array(ABANDONED_READS).fill('AbortError'));
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => ingest(i)));
    expect(statuses).toEqual(Array(10).fill(200));
    // the lock is still held: only a cancellation ends these statements
    await waitFor('the abandoned reads to be cancelled', async () => (await activeReads(db)) === 0);
    expect(await ingest(99)).toBe(200);
  }, 60_000);

  it('a read nobody abandons ends at the statement timeout with a 503 that says so', async () => {
    const timed = await Database.connect({
      url: test.url,
      mode: 'postgres',
      poolSize: 1,
      readPoolSize: 1,
      readStatementTimeoutMs: READ_TIMEOUT_MS,
    });
    const timedApp = await buildApp({ db: timed, auth: { mode: 'off' } });
    try {
      const started = performance.now();
      const res = await timedApp.inject({ method: 'GET', url: '/analytics/trends?name=heavy.read' });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json().message).toMatch(/statement timeout/);
      expect(performance.now() - started).toBeGreaterThanOrEqual(READ_TIMEOUT_MS - 100);
      expect(await ingest(100)).toBe(200);
    } finally {
      await timedApp.close();
      await timed.close();
    }
  }, 60_000);
});
