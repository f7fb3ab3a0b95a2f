import { describe, expect, it } from 'vitest';
import {
  FORECASTERS,
  forecastSeries,
  holtWinters,
  mstl,
  seasonalNaive,
  selectByHoldout,
  type Forecaster,
} from '@hydra/analytics';
import { seasonalSeries } from './forecast-fixtures.ts';

const nanModel: Forecaster = {
  name: 'nan-model',
  minLength: () => 1,
  fit: () => ({
    model: 'nan-model',
    description: 'always NaN',
    predict: (h) => ({ mean: new Array(h).fill(Number.NaN), levels: [], lower: [], upper: [] }),
  }),
};

describe('forecastSeries (automatic choice)', () => {
  const values = seasonalSeries(24 * 30, { weekly: 1, trend: 0.02, seed: 11 });
  const input = { values: values.slice(0, -48), periods: [24, 168], intervalSeconds: 3600 };

  it('scores every eligible candidate and beats seasonal naive on a seasonal series with trend', () => {
    const auto = forecastSeries(input, 48, [0.95]);
    const naive = forecastSeries(input, 48, [0.95], { model: 'seasonal-naive' });
    const actual = values.slice(-48);
    const mae = (f: number[]) => f.reduce((s, v, i) => s + Math.abs(v - (actual[i] as number)), 0) / 48;
    expect(auto.scores.map((s) => s.model)).toEqual(
      expect.arrayContaining(['seasonal-naive', 'ets', 'arima', 'optimised-theta', 'ensemble']),
    );
    expect(auto.scores.every((s) => s.mase !== null)).toBe(true);
    expect(auto.fallback).toBeUndefined();
    expect(auto.holdoutMase).toBeLessThan(1);
    expect(mae(auto.forecast.mean)).toBeLessThan(mae(naive.forecast.mean));
  });

  it('picks the candidate with the lowest holdout score (MASE and sMAPE relative to seasonal naive)', () => {
    const result = forecastSeries(input, 48, [0.95]);
    const best = result.scores
      .filter((s) => s.score !== undefined)
      .sort((a, b) => (a.score as number) - (b.score as number))[0];
    expect(result.scores.find((s) => s.model === 'seasonal-naive')?.score).toBeCloseTo(1, 6);
    expect(result.model).toBe(best?.model);
    expect(result.holdoutMase).toBe(best?.mase);
  });

  it('names the model it was told to use', () => {
    expect(forecastSeries(input, 12, [0.8], { model: 'holt-winters' }).model).toBe('holt-winters');
    expect(() => forecastSeries(input, 12, [0.8], { model: 'nope' })).toThrow(/unknown model 'nope'/);
  });

  it('skips a failing candidate with the reason and never picks it', () => {
    const scores = selectByHoldout(input, 48, { candidates: [seasonalNaive, nanModel, holtWinters] });
    expect(scores.find((s) => s.model === 'nan-model')).toMatchObject({ mase: null, error: 'guard: non-finite' });
    expect(scores.find((s) => s.model.startsWith('combination'))?.members).toEqual(
      expect.not.arrayContaining(['nan-model']),
    );
  });

  it('offers the combination of the two best candidates, scored on the same windows', () => {
    const scores = selectByHoldout(input, 48, { candidates: [seasonalNaive, holtWinters, mstl] });
    const combination = scores.find((s) => s.members);
    expect(combination?.members).toHaveLength(2);
    expect(Number.isFinite(combination?.mase)).toBe(true);
  });
});

describe('forecastSeries guards and degenerate series', () => {
  it('falls back to seasonal naive when the named model produces NaN', () => {
    // a model that is not in the registry cannot be named, so exercise the fallback through ARIMA's minimum length
    const result = forecastSeries({ values: [1, 2, 3, 4, 5], periods: [] }, 3, [0.9], { model: 'arima' });
    expect(result.model).toBe('seasonal-naive');
    expect(result.fallback).toEqual({ from: 'arima', reason: 'arima needs 10 points, has 5' });
    expect(result.forecast.mean).toEqual([5, 5, 5]);
  });

  it('forecasts a series shorter than two seasons', () => {
    const values = seasonalSeries(30);
    const result = forecastSeries({ values, periods: [24] }, 48, [0.95]);
    expect(result.forecast.mean).toHaveLength(48);
    expect(result.forecast.mean.every(Number.isFinite)).toBe(true);
  });

  it('forecasts a single point and a constant series', () => {
    expect(forecastSeries({ values: [7], periods: [] }, 3, [0.95]).forecast.mean).toEqual([7, 7, 7]);
    const constant = forecastSeries({ values: new Array(300).fill(-3), periods: [24] }, 5, [0.95]);
    constant.forecast.mean.forEach((v) => expect(v).toBeCloseTo(-3, 3));
    expect(constant.fallback).toBeUndefined();
  });

  it('rejects an empty series and a bad horizon', () => {
    expect(() => forecastSeries({ values: [], periods: [] }, 3, [0.95])).toThrow(/empty/);
    expect(() => forecastSeries({ values: [1, 2], periods: [] }, 0, [0.95])).toThrow(/horizon/);
  });
});

describe('forecastSeries on awkward series (regression: never throws, always finite)', () => {
  const shapes: Record<string, (n: number) => number[]> = {
    zeros: (n) => new Array<number>(n).fill(0),
    huge: (n) => Array.from({ length: n }, (_, i) => 1e12 + 1e9 * Math.sin(i / 3)),
    tiny: (n) => Array.from({ length: n }, (_, i) => 1e-12 * (2 + Math.sin(i / 3))),
    spikes: (n) => Array.from({ length: n }, (_, i) => (i % 17 === 3 ? 1000 : 0)),
    'late level shift': (n) => Array.from({ length: n }, (_, i) => (i < n * 0.8 ? 10 : 100)),
    counter: (n) => Array.from({ length: n }, (_, i) => i * 1000),
  };
  const models = ['auto', ...Object.keys(FORECASTERS)];
  it.each(Object.keys(shapes))('%s', (shape) => {
    for (const n of [1, 2, 3, 8, 30, 120]) {
      for (const model of models) {
        const values = (shapes[shape] as (n: number) => number[])(n);
        const f = forecastSeries({ values, periods: [24] }, 12, [0.8, 0.95], { model }).forecast;
        const all = [...f.mean, ...f.lower.flat(), ...f.upper.flat()];
        expect(all.every(Number.isFinite), `${model} on ${n} points`).toBe(true);
        expect(f.mean).toHaveLength(12);
      }
    }
  });
});

describe('ARIMA minimum-length rule (regression: "ctsa failed to fit: Series too short (144 values)")', () => {
  it('fits 144 hourly points with daily and weekly seasons without a fallback', () => {
    const values = seasonalSeries(144, { weekly: 2, seed: 5 });
    for (const periods of [[24], [24, 168]]) {
      const result = forecastSeries({ values, periods, intervalSeconds: 3600 }, 48, [0.95], { model: 'arima' });
      expect(result.fallback).toBeUndefined();
      expect(result.model).toBe('arima');
      expect(result.description).toMatch(/ARIMA\(\d,\d,\d\)/);
    }
  });

  it('uses the seasonal part only with three cycles and says so', () => {
    const values = seasonalSeries(60, { seed: 6 });
    const result = forecastSeries({ values, periods: [24] }, 12, [0.95], { model: 'arima' });
    expect(result.fallback).toBeUndefined();
    expect(result.description).not.toMatch(/\(\d,\d,\d\)\[24\]/);
    expect(result.description).toMatch(/seasons \[24\] removed/);
  });
});
