import { describe, expect, it } from 'vitest';
import { MAX_GRID_POINTS, regularize } from '@hydra/analytics';

const HOUR = 3_600_000;

describe('regularize', () => {
  it('infers the step, sorts, and interpolates gaps linearly', () => {
    const r = regularize([3 * HOUR, 0, HOUR, 2 * HOUR, 6 * HOUR, 7 * HOUR], [30, 0, 10, 20, 60, 70]);
    expect(r).toMatchObject({ start: 0, step: HOUR, filled: 2, merged: 0 });
    expect(r.values).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  it('treats NaN values as missing and snaps jittered timestamps', () => {
    const r = regularize([0, 1, 2.1, 2.9, 4], [1, Number.NaN, 3, 4, 5]);
    expect(r.values).toEqual([1, 2, 3, 4, 5]);
    expect(r.filled).toBe(1);
  });

  it('averages points that land in the same slot', () => {
    const r = regularize([0, 10, 20, 20.2], [1, 2, 3, 5], 10);
    expect(r.values).toEqual([1, 2, 4]);
    expect(r.merged).toBe(1);
  });

  it('refuses empty, all-missing, too sparse and too long series with the reason', () => {
    expect(() => regularize([], [])).toThrow(/no points/);
    expect(() => regularize([0, 1], [Number.NaN, Number.NaN])).toThrow(/no finite values/);
    expect(() => regularize([0, 1, 100], [1, 2, 3])).toThrow(/too sparse/);
    expect(() => regularize([0, 1, 2 * MAX_GRID_POINTS], [1, 2, 3])).toThrow(/more than the limit/);
  });
});
