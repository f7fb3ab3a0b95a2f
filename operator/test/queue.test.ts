import { describe, expect, it } from 'vitest';
import { WorkQueue } from '@hydra/operator';

describe('WorkQueue', () => {
  it('holds a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    expect(q.depth).toBe(2);
    expect(await q.next()).toBe('a');
    expect(await q.next()).toBe('b');
  });

  it('never hands a key being processed to a second worker, and re-runs it when it was added meanwhile', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.next();
    q.add('a');
    expect(q.depth).toBe(0);
    const second = q.next();
    let handed = false;
    void second.then(() => (handed = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(handed).toBe(false);
    q.done(key!);
    expect(await second).toBe('a');
  });

  it('retries with growing per-key backoff and forgets it on success', async () => {
    const q = new WorkQueue({ retryBaseMs: 5, retryMaxMs: 1000 });
    const d1 = q.retry('a');
    const d2 = q.retry('a');
    const d3 = q.retry('a');
    expect(d2).toBeGreaterThan(d1 * 1.2);
    expect(d3).toBeGreaterThan(d2 * 1.2);
    expect(q.attempts('a')).toBe(3);
    q.forget('a');
    expect(q.attempts('a')).toBe(0);
    expect(await q.next()).toBe('a');
  });

  it('refuses keys beyond its bound and counts them', () => {
    const q = new WorkQueue({ maxKeys: 2 });
    expect(q.add('a')).toBe(true);
    expect(q.add('b')).toBe(true);
    expect(q.add('c')).toBe(false);
    expect(q.refused).toBe(1);
  });

  it('releases waiting workers on shutdown', async () => {
    const q = new WorkQueue();
    const waiting = q.next();
    q.shutdown();
    expect(await waiting).toBeUndefined();
    expect(q.add('a')).toBe(false);
  });

  it("rate limits requeues over all keys: a burst, then the bucket's rate, whatever each key's backoff", () => {
    let now = 0;
    const q = new WorkQueue({ retryBaseMs: 1, retryMaxMs: 1, retryQps: 10, retryBurst: 3, now: () => now });
    const delays = ['a', 'b', 'c', 'd', 'e'].map((key) => q.retry(key));
    // three within the burst (each key's own 1 ms backoff), then one token every 100 ms
    expect(delays.slice(0, 3).every((d) => d <= 2)).toBe(true);
    expect(delays[3]).toBe(100);
    expect(delays[4]).toBe(200);
    now += 1_000; // the bucket refills at 10 a second, up to the burst
    expect(q.retry('f')).toBeLessThanOrEqual(2);
    expect(q.retry('a', 5_000)).toBe(5_000);
    q.shutdown();
  });
});
