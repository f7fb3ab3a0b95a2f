import { describe, expect, it } from 'vitest';
import { timeToThreshold, type ForecastResult } from '@hydra/analytics';

// Disk usage rising 1 %/step from 80 %, band ±2 % at 95 % and ±1 % at 80 %.
const mean = Array.from({ length: 20 }, (_, i) => 81 + i);
const disk: ForecastResult = {
  mean,
  levels: [0.8, 0.95],
  lower: [mean.map((m) => m - 1), mean.map((m) => m - 2)],
  upper: [mean.map((m) => m + 1), mean.map((m) => m + 2)],
};

describe('timeToThreshold', () => {
  it('gives the upper edge first, then the mean, then the lower edge (rising metric)', () => {
    const r = timeToThreshold(disk, 90, { direction: 'above', lastObserved: 80 });
    expect(r.level).toBe(0.95);
    expect(r.upper?.step).toBeCloseTo(8, 10);
    expect(r.mean?.step).toBeCloseTo(10, 10);
    expect(r.lower?.step).toBeCloseTo(12, 10);
    expect(r.suppressed).toBeUndefined();
  });

  it('interpolates between steps and converts steps to times', () => {
    const r = timeToThreshold(disk, 89.5, {
      direction: 'above',
      level: 0.8,
      lastObserved: 80,
      time: { first: 1_000, step: 60_000 },
    });
    expect(r.mean).toEqual({ step: 9.5, time: 1_000 + 8.5 * 60_000 });
    expect(r.upper?.step).toBeCloseTo(8.5, 10);
  });

  it('says "not within horizon" with null', () => {
    const r = timeToThreshold(disk, 200, { direction: 'above' });
    expect([r.mean, r.lower, r.upper]).toEqual([null, null, null]);
  });

  it('handles falling metrics (free space below a floor)', () => {
    const free: ForecastResult = {
      ...disk,
      mean: disk.mean.map((v) => 100 - v),
      lower: disk.upper.map((u) => u.map((v) => 100 - v)),
      upper: disk.lower.map((l) => l.map((v) => 100 - v)),
    };
    const r = timeToThreshold(free, 10, { direction: 'below', lastObserved: 20 });
    expect(r.lower?.step).toBeCloseTo(8, 10);
    expect(r.mean?.step).toBeCloseTo(10, 10);
  });

  it('is suppressed when the fit is poor, the model fell back, or the threshold is already crossed', () => {
    expect(timeToThreshold(disk, 90, { direction: 'above', holdoutMase: 1.7 })).toMatchObject({
      suppressed: 'poor-fit',
      mean: null,
    });
    expect(timeToThreshold(disk, 90, { direction: 'above', holdoutMase: 0.4 }).suppressed).toBeUndefined();
    expect(timeToThreshold(disk, 90, { direction: 'above', fallback: true }).suppressed).toBe('fallback-model');
    expect(timeToThreshold(disk, 70, { direction: 'above', lastObserved: 80 }).suppressed).toBe('already-crossed');
  });

  it('rejects a non-finite threshold and an unknown level', () => {
    expect(() => timeToThreshold(disk, Number.NaN, { direction: 'above' })).toThrow(/threshold/);
    expect(() => timeToThreshold(disk, 90, { direction: 'above', level: 0.5 })).toThrow(/level 0.5/);
  });
});
