import { describe, expect, it } from 'vitest';
import { expToExplicit } from '../src/query/exp-histogram.ts';

describe('expToExplicit', () => {
  it('lays negative, zero and positive buckets out as explicit bounds (scale 0: base 2)', () => {
    const out = expToExplicit({
      scale: 0,
      zeroCount: 1,
      zeroThreshold: 0,
      positiveOffset: 0,
      positiveCounts: [2, 3], // (1,2] (2,4]
      negativeOffset: 1,
      negativeCounts: [4], // [-4,-2)
    });
    expect(out).toEqual({ bounds: [-4, -2, 0, 1, 2, 4], bucketCounts: [0, 4, 1, 0, 2, 3, 0] });
  });

  it('uses base 2^(2^-scale) and keeps the zero bucket width', () => {
    const out = expToExplicit({
      scale: 1,
      zeroCount: 5,
      zeroThreshold: 0.5,
      positiveOffset: 2,
      positiveCounts: [1, 1],
      negativeOffset: 0,
      negativeCounts: [],
    });
    expect(out.bounds).toEqual([0.5, 2, 2 ** 1.5, 4]);
    expect(out.bucketCounts).toEqual([5, 0, 1, 1, 0]);
    expect(out.bucketCounts.reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('folds a zero threshold that overlaps the first positive bucket into the zero bucket', () => {
    const out = expToExplicit({
      scale: 0,
      zeroCount: 1,
      zeroThreshold: 3,
      positiveOffset: 0,
      positiveCounts: [2, 3],
      negativeOffset: 0,
      negativeCounts: [],
    });
    expect(out.bounds).toEqual([3, 4]);
    expect(out.bucketCounts).toEqual([3, 3, 0]);
    expect(out.bucketCounts.length).toBe(out.bounds.length + 1);
  });
});
