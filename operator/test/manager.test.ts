/**
 * The Manager alone, with runnables and an elector of the test's: runnables that need no lead start at once,
 * the others only while leading; losing the lead or a failing runnable stops it; stop ends the leader runnables
 * first, then releases the lead, then the rest, and gives up waiting for the leader runnables at the deadline.
 */
import { describe, expect, it, vi } from 'vitest';
import { captureLogger } from '@hydra/logging/testing';
import { Manager, type LeaderCallbacks, type Runnable } from '@hydra/operator';

/** A runnable that records its start and stop into `events` and stops `stopMs` after its signal aborts. */
function runnable(name: string, needLeaderElection: boolean, events: string[], stopMs = 0): Runnable {
  return {
    name,
    needLeaderElection,
    start: (signal) =>
      new Promise<void>((resolve) => {
        events.push(`${name} started`);
        const stop = () => {
          events.push(`${name} stopped`);
          resolve();
        };
        signal.addEventListener('abort', () => (stopMs === 0 ? stop() : setTimeout(stop, stopMs)));
      }),
  };
}

/** An elector the test drives: `lead()` and `lose()` call the manager back. */
function testElector(events: string[]) {
  let callbacks!: LeaderCallbacks;
  let leading = false;
  return {
    factory: (cb: LeaderCallbacks) => {
      callbacks = cb;
      return {
        start: () => events.push('campaigning'),
        stop: async () => {
          events.push('elector stopped');
          if (leading) {
            leading = false;
            callbacks.onStoppedLeading();
          }
        },
      };
    },
    lead: () => {
      leading = true;
      callbacks.onStartedLeading();
    },
    lose: () => {
      leading = false;
      callbacks.onStoppedLeading();
    },
  };
}

describe('Manager', () => {
  it('starts the caches at once and the controller only once it leads; stops in order', async () => {
    const events: string[] = [];
    const elector = testElector(events);
    const manager = new Manager({ logger: captureLogger().logger, leaderElection: elector.factory });
    manager.add(runnable('caches', false, events));
    manager.add(runnable('controller', true, events));
    manager.start();
    expect(events).toEqual(['caches started', 'campaigning']);
    expect(manager.leading).toBe(false);
    elector.lead();
    expect(manager.leading).toBe(true);
    manager.add(runnable('late', true, events)); // added while leading: starts at once
    expect(events.slice(2)).toEqual(['controller started', 'late started']);
    await manager.stop(1_000);
    expect(events.slice(4)).toEqual(['controller stopped', 'late stopped', 'elector stopped', 'caches stopped']);
    expect(await manager.done).toBe('stopped');
  });

  it('leads at once without leader election', () => {
    const events: string[] = [];
    const manager = new Manager({ logger: captureLogger().logger });
    manager.add(runnable('controller', true, events));
    manager.start();
    expect(events).toEqual(['controller started']);
    expect(manager.leading).toBe(true);
    void manager.stop(1_000);
  });

  it('stops when it loses the lead, with that reason', async () => {
    const events: string[] = [];
    const elector = testElector(events);
    const manager = new Manager({ logger: captureLogger().logger, leaderElection: elector.factory });
    manager.add(runnable('controller', true, events));
    manager.start();
    elector.lead();
    elector.lose();
    expect(await manager.done).toBe('lost-leadership');
    expect(events).toContain('controller stopped');
  });

  it('stops when a runnable fails, and logs why', async () => {
    const { logger, lines } = captureLogger();
    const manager = new Manager({ logger });
    const events: string[] = [];
    manager.add(runnable('caches', false, events));
    manager.add({ name: 'broken', needLeaderElection: true, start: () => Promise.reject(new Error('boom')) });
    manager.start();
    expect(await manager.done).toBe('runnable-failed');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        runnable: 'broken',
        err: expect.objectContaining({ message: 'boom' }),
      }),
    );
    expect(events).toEqual(['caches started', 'caches stopped']);
  });

  it('waits for the leader runnables up to the deadline, then goes on', async () => {
    vi.useFakeTimers();
    try {
      const events: string[] = [];
      const { logger, lines } = captureLogger();
      const manager = new Manager({ logger });
      manager.add(runnable('caches', false, events));
      manager.add(runnable('slow controller', true, events, 60_000));
      manager.start();
      const stopped = manager.stop(5_000);
      await vi.advanceTimersByTimeAsync(5_000);
      await stopped;
      expect(events).toEqual(['caches started', 'slow controller started', 'caches stopped']);
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: 'in-flight reconciles did not finish before the shutdown deadline',
        }),
      );
      await vi.advanceTimersByTimeAsync(60_000);
    } finally {
      vi.useRealTimers();
    }
  });
});
