/**
 * The advisory lease on real PostgreSQL (an embedded database is one process, so there the lease is always held):
 * one holder at a time; a half-open connection (frozen proxy) makes hold() reject within the query timeout instead
 * of hanging; release() of a hung connection returns promptly.
 */
import { describe, expect, it } from 'vitest';
import { AdvisoryLease, Database } from '@hydra/storage';
import { openTestDatabase, testBackends } from '@hydra/storage/testing';
import { startTcpProxy } from './tcp-proxy.ts';

describe.runIf(testBackends().includes('postgres'))('advisory lease on PostgreSQL', () => {
  it('has one holder; on a half-open connection hold() rejects within the query timeout and release() returns', async () => {
    const test = await openTestDatabase('postgres');
    const target = new URL(test.url);
    const proxy = await startTcpProxy(Number(target.port || 5432), target.hostname);
    const url = new URL(test.url);
    url.port = String(proxy.port);
    const viaProxy = await Database.connect({ url: url.toString(), poolSize: 1, connectTimeoutMs: 500 });
    const direct = await Database.connect({ url: test.url, poolSize: 1 });
    const lease = new AdvisoryLease(viaProxy, 42, { queryTimeoutMs: 300 });
    const other = new AdvisoryLease(direct, 42);
    try {
      expect(await lease.hold()).toBe(true);
      expect(await other.hold()).toBe(false);

      proxy.freeze(); // the lease's connection stays open but nothing answers, as after a silent network loss
      const started = performance.now();
      await expect(lease.hold()).rejects.toThrow(/timeout/i);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(lease.held).toBe(false);

      const releasing = performance.now();
      await lease.release();
      expect(performance.now() - releasing).toBeLessThan(3_000);
      expect(await lease.hold()).toBe(false); // released: never held again
    } finally {
      await lease.release();
      await other.release();
      await proxy.close();
      await viaProxy.close();
      await direct.close();
      await test.close();
    }
  });

  it('rejects a query timeout that is not a positive whole number', async () => {
    const test = await openTestDatabase('postgres');
    const db = await Database.connect({ url: test.url, poolSize: 1 });
    try {
      expect(() => new AdvisoryLease(db, 1, { queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs must be a positive/);
    } finally {
      await db.close();
      await test.close();
    }
  });
});
