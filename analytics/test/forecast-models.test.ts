/**
 * One conformance suite over every forecaster (shape, finiteness, nested and widening intervals,
 * degenerate input), then checks against outside references:
 * - interval variances of ETS(A,N,N), ETS(A,A,N) and ETS(A,N,A) against the closed forms of
 *   Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., §8.7 Table 8.8;
 * - seasonal naive intervals against fpp3 §5.5 Table 5.2 (σ_h = σ·√(k+1));
 * - normal quantiles against R's qnorm.
 */
import { describe, expect, it } from 'vitest';
import {
  FORECASTERS,
  ForecastError,
  fitSeasonalNaive,
  fitTheilSen,
  holtWintersWithParams,
  intervalMultiplier,
  normalQuantile,
  type ForecastResult,
} from '@hydra/analytics';
import { seasonalSeries } from './forecast-fixtures.ts';

const H = 48;
const LEVELS = [0.8, 0.95];

function expectWellFormed(f: ForecastResult, h: number): void {
  expect(f.mean).toHaveLength(h);
  expect(f.levels).toEqual(LEVELS);
  for (let k = 0; k < LEVELS.length; k++) {
    expect(f.lower[k]).toHaveLength(h);
    expect(f.upper[k]).toHaveLength(h);
  }
  for (let i = 0; i < h; i++) {
    const mean = f.mean[i] as number;
    expect(Number.isFinite(mean)).toBe(true);
    const [lo80, lo95] = [f.lower[0]![i] as number, f.lower[1]![i] as number];
    const [hi80, hi95] = [f.upper[0]![i] as number, f.upper[1]![i] as number];
    expect(lo95).toBeLessThanOrEqual(lo80 + 1e-9);
    expect(lo80).toBeLessThanOrEqual(mean + 1e-9);
    expect(mean).toBeLessThanOrEqual(hi80 + 1e-9);
    expect(hi80).toBeLessThanOrEqual(hi95 + 1e-9);
  }
}

describe.each(Object.values(FORECASTERS))('forecaster $name (conformance)', (forecaster) => {
  const values = seasonalSeries(24 * 21, { weekly: 1, seed: 3 });
  const input = { values, periods: [24, 168], intervalSeconds: 3600 };

  it('forecasts h steps with nested intervals at every level', () => {
    const f = forecaster.fit(input).predict(H, LEVELS);
    expectWellFormed(f, H);
    const width = (i: number) => (f.upper[1]![i] as number) - (f.lower[1]![i] as number);
    expect(width(H - 1)).toBeGreaterThan(0);
  });

  it('tracks a clear daily cycle better than a flat line', () => {
    if (forecaster.name === 'linear-trend') return; // a straight line by design
    const f = forecaster.fit({ ...input, values: values.slice(0, -H) }).predict(H, []);
    const actual = values.slice(-H);
    const err = f.mean.reduce((s, v, i) => s + Math.abs(v - (actual[i] as number)), 0) / H;
    const flat = actual.reduce((s, v) => s + Math.abs(v - (values[values.length - H - 1] as number)), 0) / H;
    expect(err).toBeLessThan(flat);
  });

  it('forecasts a constant series as that constant', () => {
    const f = forecaster.fit({ values: new Array(200).fill(42), periods: [24] }).predict(5, [0.95]);
    for (const v of f.mean) expect(v).toBeCloseTo(42, 3); // the WASM optimisers stop within ~1e-5
  });

  it('handles negative values without shifting them', () => {
    const negative = values.map((v) => v - 100);
    const f = forecaster.fit({ ...input, values: negative }).predict(H, LEVELS);
    expectWellFormed(f, H);
    expect(Math.max(...f.mean)).toBeLessThan(0);
  });

  it('refuses an empty series with an error that names the model', () => {
    expect(() => forecaster.fit({ values: [], periods: [] })).toThrow(
      forecaster.name === 'seasonal-naive' ? /seasonal-naive/ : ForecastError,
    );
  });

  it('rejects a bad horizon', () => {
    expect(() => forecaster.fit(input).predict(0, LEVELS)).toThrow(/horizon/);
  });
});

describe('Holt-Winters interval variances (fpp3 §8.7 Table 8.8)', () => {
  const values = seasonalSeries(24 * 10, { seed: 9 });
  const sigma2 = (f: ForecastResult, i: number): number =>
    (((f.upper[0]![i] as number) - (f.mean[i] as number)) / intervalMultiplier(0.95)) ** 2;

  it('ETS(A,N,N): σ_h² = σ²[1 + α²(h − 1)]', () => {
    const alpha = 0.3;
    const f = holtWintersWithParams(values, 1, { alpha, beta: 0, gamma: 0, phi: 1 }).predict(10, [0.95]);
    const s1 = sigma2(f, 0);
    for (let h = 1; h <= 10; h++) expect(sigma2(f, h - 1)).toBeCloseTo(s1 * (1 + alpha * alpha * (h - 1)), 8);
  });

  it('ETS(A,A,N): σ_h² = σ²[1 + (h − 1){α² + αβh + β²h(2h − 1)/6}]', () => {
    const [alpha, beta] = [0.4, 0.1];
    const f = holtWintersWithParams(values, 1, { alpha, beta, gamma: 0, phi: 1 }).predict(10, [0.95]);
    const s1 = sigma2(f, 0);
    for (let h = 1; h <= 10; h++) {
      const expected = s1 * (1 + (h - 1) * (alpha * alpha + alpha * beta * h + (beta * beta * h * (2 * h - 1)) / 6));
      expect(sigma2(f, h - 1)).toBeCloseTo(expected, 8);
    }
  });

  it('ETS(A,N,A): σ_h² = σ²[1 + α²(h − 1) + γk(2α + γ)], k = ⌊(h − 1)/m⌋', () => {
    const [alpha, gamma, m] = [0.2, 0.3, 24];
    const f = holtWintersWithParams(values, m, { alpha, beta: 0, gamma, phi: 1 }).predict(60, [0.95]);
    const s1 = sigma2(f, 0);
    for (let h = 1; h <= 60; h++) {
      const k = Math.floor((h - 1) / m);
      expect(sigma2(f, h - 1)).toBeCloseTo(s1 * (1 + alpha * alpha * (h - 1) + gamma * k * (2 * alpha + gamma)), 8);
    }
  });
});

describe('seasonal naive (fpp3 §5.5)', () => {
  it('repeats the last season and widens by √(k+1) per completed season', () => {
    const values = [1, 5, 3, 2, 6, 4, 3, 7, 5];
    const model = fitSeasonalNaive(values, 3);
    const f = model.predict(7, [0.95]);
    expect(f.mean).toEqual([3, 7, 5, 3, 7, 5, 3]);
    // residuals y(t) − y(t−3): 1,1,1,1,1,1 → σ̂ = 1
    const z = normalQuantile(0.975);
    const halfWidths = f.upper[0]!.map((u, i) => u - (f.mean[i] as number));
    const expected = [1, 1, 1, 2, 2, 2, 3].map((k) => z * Math.sqrt(k));
    halfWidths.forEach((w, i) => expect(w).toBeCloseTo(expected[i] as number, 10));
  });

  it('is the naive forecast when there is no season', () => {
    const f = fitSeasonalNaive([1, 2, 4], 1).predict(2, [0.8]);
    expect(f.mean).toEqual([4, 4]);
  });
});

describe('robust linear trend', () => {
  it('ignores outliers that would tilt least squares', () => {
    const values = Array.from({ length: 100 }, (_, i) => 2 * i + 5);
    values[97] = 1000;
    values[98] = 1000;
    const f = fitTheilSen(values).predict(3, [0.95]);
    expect(f.mean[0]).toBeCloseTo(205, 6);
    expect(f.mean[2]).toBeCloseTo(209, 6);
  });
});

describe('normal quantiles (R qnorm)', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.9, 1.2815515655446004],
    [0.5, 0],
    [0.001, -3.090232306167813],
    [1e-10, -6.361340902404056],
  ])('qnorm(%d)', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 7);
  });

  it('rejects probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow(/normalQuantile/);
    expect(() => intervalMultiplier(0)).toThrow(/level/);
  });
});
