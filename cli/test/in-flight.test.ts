import { describe, expect, it } from 'vitest';
import { InFlightLimit } from '../src/runtime/in-flight.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InFlightLimit', () => {
  it('never runs more than its limit at once, and drain waits for all', async () => {
    const limit = new InFlightLimit(2);
    let running = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 6; i++) {
      await limit.add(async () => {
        running++;
        peak = Math.max(peak, running);
        await tick(5);
        running--;
        done++;
      });
      expect(running).toBeLessThan(2);
    }
    await limit.drain();
    expect([peak, done]).toEqual([2, 6]);
  });

  it('throws the first failure from the next add, and from drain', async () => {
    const limit = new InFlightLimit(1);
    await expect(limit.add(() => Promise.reject(new Error('commit failed')))).rejects.toThrow('commit failed');
    await expect(limit.add(async () => {})).rejects.toThrow('commit failed');
    await expect(limit.drain()).rejects.toThrow('commit failed');
    await expect(limit.settled()).resolves.toBeUndefined();
  });

  it('refuses a limit below 1', () => {
    expect(() => new InFlightLimit(0)).toThrow('InFlightLimit: limit must be a positive integer, got 0');
  });
});
