/**
 * The Controller alone, with a reconcile function of the test's: what its outcome handler does with each outcome
 * (forget, requeue after, rate-limited retry honouring Retry-After, no retry after a TerminalError), one key never
 * reconciled by two workers at once, workers waiting for the caches, and in-flight reconciles finishing on stop.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureLogger } from '@hydra/logging/testing';
import { Controller, KubeApiError, TerminalError, WorkQueue, type Reconcile } from '@hydra/operator';

afterEach(() => {
  vi.useRealTimers();
});

function controllerWith(reconcile: Reconcile, options: { workers?: number; synced?: () => Promise<void> } = {}) {
  const captured = captureLogger({ component: 'operator' });
  const results: string[] = [];
  const controller = new Controller({
    name: 'hydramonitor',
    reconcile,
    logger: captured.logger,
    queue: new WorkQueue({ retryBaseMs: 1_000, retryMaxMs: 60_000 }),
    metrics: { reconciled: (result) => results.push(result) },
    ...options,
  });
  return { controller, results, lines: captured.lines };
}

describe('Controller', () => {
  it('forgets a key after a success and logs the run with its reconcileID', async () => {
    const { controller, results, lines } = controllerWith(async (_key, log) => {
      log.info('working');
      return { result: 'applied', writes: 2 };
    });
    controller.enqueue('shop/checkout');
    expect(await controller.processNextWorkItem()).toBe(true);
    expect(results).toEqual(['applied']);
    expect(controller.queue.attempts('shop/checkout')).toBe(0);
    expect(controller.queue.depth).toBe(0);
    const [working, reconciled] = lines;
    expect(reconciled).toMatchObject({ msg: 'reconciled', monitor: 'shop/checkout', result: 'applied', writes: 2 });
    expect(working!.reconcileID).toEqual(reconciled!.reconcileID);
  });

  it('requeues a failed key rate limited, no sooner than Retry-After, and counts the attempts', async () => {
    vi.useFakeTimers();
    const errors = [new Error('conflict'), new KubeApiError('PUT', '/apis/x', 429, 'TooManyRequests', 'slow down', 30)];
    const { controller, results, lines } = controllerWith(async () => {
      const err = errors.shift();
      if (err) throw err;
      return { result: 'unchanged' };
    });
    controller.enqueue('a/b');
    await controller.processNextWorkItem();
    expect(results).toEqual(['error']);
    expect(controller.queue.attempts('a/b')).toBe(1);
    expect(lines.at(-1)).toMatchObject({ level: 'warn', msg: 'reconcile failed; retrying', attempt: 1 });
    const firstDelay = lines.at(-1)!.retryInMs as number;
    expect(firstDelay).toBeGreaterThanOrEqual(800); // 1 s backoff ±20 %
    expect(controller.queue.depth).toBe(0);
    await vi.advanceTimersByTimeAsync(firstDelay);
    expect(controller.queue.depth).toBe(1);
    await controller.processNextWorkItem();
    expect(lines.at(-1)).toMatchObject({
      attempt: 2,
      retryInMs: 30_000,
      err: { message: expect.stringContaining('slow down') },
    });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(controller.queue.depth).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await controller.processNextWorkItem();
    expect(results).toEqual(['error', 'error', 'unchanged']);
    expect(controller.queue.attempts('a/b')).toBe(0);
  });

  it('does not retry a TerminalError; the key is forgotten', async () => {
    vi.useFakeTimers();
    const { controller, results, lines } = controllerWith(async () => {
      throw new TerminalError('invalid spec: spec.selector: required');
    });
    controller.enqueue('a/b');
    await controller.processNextWorkItem();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(controller.queue.depth).toBe(0);
    expect(controller.queue.attempts('a/b')).toBe(0);
    expect(results).toEqual(['error']);
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      msg: 'monitor spec is invalid; not retried until it changes',
    });
  });

  it('requeues after requeueAfterMs without counting a failure', async () => {
    vi.useFakeTimers();
    const { controller } = controllerWith(async () => ({ result: 'paused', requeueAfterMs: 5_000 }));
    controller.enqueue('a/b');
    await controller.processNextWorkItem();
    expect(controller.queue.depth).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(controller.queue.depth).toBe(1);
    expect(controller.queue.attempts('a/b')).toBe(0);
  });

  it('runs workers once synced, never one key on two workers, and lets in-flight reconciles finish on stop', async () => {
    let synced!: () => void;
    const cachesSynced = new Promise<void>((resolve) => (synced = resolve));
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const seen: string[] = [];
    const { controller } = controllerWith(
      async (key) => {
        seen.push(key);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return { result: 'applied' };
      },
      { workers: 3, synced: () => cachesSynced },
    );
    const abort = new AbortController();
    const stopped = controller.start(abort.signal);
    controller.enqueue('a/one');
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]); // waits for the caches
    synced();
    await vi.waitFor(() => expect(seen).toEqual(['a/one']));
    controller.enqueue('a/one'); // added while in flight: runs again after, not beside
    controller.enqueue('a/two');
    await vi.waitFor(() => expect(seen).toEqual(['a/one', 'a/two']));
    expect(most).toBe(2);
    releases.shift()!();
    await vi.waitFor(() => expect(seen).toEqual(['a/one', 'a/two', 'a/one']));
    abort.abort();
    let done = false;
    void stopped.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false); // two reconciles in flight
    for (const release of releases.splice(0)) release();
    await stopped;
    expect(controller.enqueue('a/three')).toBe(false);
  });
});
