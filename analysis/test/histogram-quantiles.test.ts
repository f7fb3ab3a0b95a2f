/** The quantile of a histogram's observations per step, as Prometheus' histogram_quantile of the rate reads it. */
import { describe, expect, it } from 'vitest';
import type { HistogramValue } from '@hydra/storage';
import { bucketQuantile, histogramQuantileSteps } from '../src/jobs/histogram-quantiles.ts';

const BOUNDS = [10, 100, 1000];
const point = (t: number, counts: number[], startT: number | null = 0): HistogramValue => ({
  t,
  startT,
  count: counts.reduce((a, b) => a + b, 0),
  sum: null,
  min: null,
  max: null,
  bounds: BOUNDS,
  bucketCounts: counts,
});

describe('bucketQuantile', () => {
  it('interpolates inside the bucket holding the rank, from 0 in the first', () => {
    expect(bucketQuantile(0.5, BOUNDS, [10, 0, 0, 0])).toBe(5);
    expect(bucketQuantile(0.5, BOUNDS, [0, 10, 0, 0])).toBe(55);
    expect(bucketQuantile(0.95, BOUNDS, [50, 40, 10, 0])).toBe(550);
  });

  it('reads the overflow bucket as the last finite bound, and nothing without observations', () => {
    expect(bucketQuantile(0.99, BOUNDS, [0, 0, 0, 5])).toBe(1000);
    expect(bucketQuantile(0.5, BOUNDS, [0, 0, 0, 0])).toBeNull();
  });
});

describe('histogramQuantileSteps', () => {
  const options = { q: 0.5, stepMs: 60_000, fromMs: 60_000, toMs: 600_000, temporality: 'cumulative' };

  it("takes each step's increase of a cumulative histogram (the step before only seeds it)", () => {
    const points = [
      point(30_000, [100, 0, 0, 0]),
      point(90_000, [100, 10, 0, 0]), // +10 in 10-100
      point(150_000, [100, 10, 20, 0]), // +20 in 100-1000
      point(210_000, [100, 10, 20, 0]), // nothing observed: no value
    ];
    expect(histogramQuantileSteps(points, options)).toEqual([
      [60_000, 55],
      [120_000, 550],
    ]);
  });

  it('starts again from 0 at a reset (a count drops, or the start time changes)', () => {
    const points = [
      point(30_000, [100, 50, 0, 0]),
      point(90_000, [0, 4, 0, 0], 80_000), // restarted: its own counts
      point(150_000, [0, 4, 6, 0], 80_000),
    ];
    expect(histogramQuantileSteps(points, options)).toEqual([
      [60_000, 55],
      [120_000, 550],
    ]);
  });

  it("adds up a delta histogram's points within a step", () => {
    const points = [point(61_000, [1, 0, 0, 0]), point(75_000, [0, 0, 3, 0]), point(130_000, [2, 0, 0, 0])];
    expect(histogramQuantileSteps(points, { ...options, temporality: 'delta' })).toEqual([
      [60_000, 400],
      [120_000, 5],
    ]);
  });
});

describe('quantileName', () => {
  it('names the quantile as users write it', async () => {
    const { quantileName } = await import('../src/jobs/anomaly.ts');
    expect([0.5, 0.95, 0.99, 0.999].map(quantileName)).toEqual(['p50', 'p95', 'p99', 'p99.9']);
  });
});
