/**
 * Statistics against outside references. R values from R 4.x:
 *   mad(c(1, 1, 2, 2, 4, 6, 9))            # 1.4826 (R's default constant, ?mad)
 *   quantile(c(1, 2, 3, 4), 0.25)          # 1.75 (type 7)
 *   var(c(2, 4, 4, 4, 5, 5, 7, 9))         # 4.571429; population variance 4 (Wikipedia, "Standard deviation")
 *   acf(1:10, plot = FALSE)                # 1.000 0.700 0.412 0.148 -0.079 -0.258 -0.376 -0.421 -0.382 -0.245
 * c(256) = 10.2448 is the Isolation Forest normaliser for ψ = 256 (Liu, Ting & Zhou 2008, eq. 1).
 */
import { describe, expect, it } from 'vitest';
import {
  autocorrelation,
  averagePathLength,
  mad,
  mean,
  median,
  quantile,
  RollingMoments,
  RollingOrder,
  sum,
  typicalInterval,
  variance,
} from '@hydra/analytics';

describe('stats against R', () => {
  it('mad uses the 1.4826 normal consistency constant', () => {
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBeCloseTo(1.4826, 10);
    expect(mad([1, 1, 2, 2, 4, 6, 9], 1)).toBe(1);
  });

  it('quantile is type 7 and median averages the middle pair', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('variance: sample and population', () => {
    const x = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(variance(x)).toBeCloseTo(4.571429, 6);
    expect(variance(x, 0)).toBe(4);
    expect(mean(x)).toBe(5);
  });

  it('compensated sums keep small terms next to large ones', () => {
    expect(sum([1e16, 1, -1e16])).toBe(1);
    expect(variance([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9);
  });

  it('autocorrelation matches R acf(1:10)', () => {
    const expected = [1, 0.7, 0.412, 0.148, -0.079, -0.258, -0.376, -0.421, -0.382, -0.245];
    const r = autocorrelation([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 9);
    expected.forEach((v, lag) => expect(r[lag]).toBeCloseTo(v, 3));
  });

  it('Isolation Forest path normaliser c(256)', () => {
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
  });

  it('degenerate input throws an error naming the function', () => {
    expect(() => mean([])).toThrow(/^mean:/);
    expect(() => median([])).toThrow(/^median:/);
    expect(() => variance([1])).toThrow(/^variance:/);
    expect(() => quantile([1], 2)).toThrow(/p must be in \[0, 1\]/);
  });

  it('typicalInterval ignores gaps and duplicates', () => {
    expect(typicalInterval([0, 60, 120, 120, 180, 3600, 3660])).toBe(60);
    expect(typicalInterval([5])).toBeNaN();
  });
});

describe('rolling windows agree with the batch functions', () => {
  const values = Array.from({ length: 500 }, (_, i) => Math.sin(i * 1.7) * 100 + (i % 7) + 1e6);

  it('RollingOrder median, quantile and MAD', () => {
    const w = new RollingOrder(37);
    values.forEach((v, i) => {
      w.push(v);
      const window = values.slice(Math.max(0, i - 36), i + 1);
      expect(w.median()).toBe(median(window));
      expect(w.quantile(0.9)).toBeCloseTo(quantile(window, 0.9), 6);
      expect(w.mad()).toBeCloseTo(mad(window), 6);
    });
  });

  it('RollingMoments mean and variance', () => {
    const w = new RollingMoments(50);
    values.forEach((v, i) => {
      w.push(v);
      const window = values.slice(Math.max(0, i - 49), i + 1);
      expect(w.mean()).toBeCloseTo(mean(window), 6);
      if (window.length > 1) expect(w.variance()).toBeCloseTo(variance(window), 4);
    });
  });
});
