/**
 * The classical models against closed forms and known behaviour:
 * - Theta (θ = 2) on a noiseless line continues it with half its slope (Hyndman & Billah, IJF 19, 2003:
 *   Theta is SES with drift b/2; with α → 1 the forecast is y_n + b·h/2);
 * - Naive2 on an exactly multiplicative seasonal series repeats it (classical decomposition recovers the indices);
 * - the M4 seasonality test accepts a daily cycle and rejects white noise;
 * - ETS chooses a multiplicative season where the amplitude follows the level (on the raw scale), fits positive
 *   series on the log scale with the weekly season removed, and no season on noise;
 * - auto ARIMA recovers an AR(1) with φ = 0.7, differences a random walk (KPSS) and not white noise;
 * - MSIS by the M4 competition's formula on a hand-computed example;
 * - the automatic choice gives byte-identical output whatever the load (no clock in the choice).
 */
import { describe, expect, it } from 'vitest';
import {
  adjustSeasonality,
  classicalSeasonalIndices,
  fitAutoArimaSeries,
  fitEts,
  fitEtsSeries,
  fitNaive2,
  fitThetaAdjusted,
  forecastSeries,
  kpssStatistic,
  msis,
  seasonalityTest,
} from '@hydra/analytics';
import { lcg, seasonalSeries } from './forecast-fixtures.ts';

function gaussianNoise(n: number, seed: number): number[] {
  const rand = lcg(seed);
  return Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand()),
  );
}

describe('theta', () => {
  it('continues a noiseless line with half its slope (SES with drift b/2)', () => {
    const line = Array.from({ length: 100 }, (_, t) => 5 + 2 * t);
    const f = fitThetaAdjusted(line, 'standard').predict(10, []);
    f.mean.forEach((v, i) => expect(v).toBeCloseTo(line[99]! + 2 * ((i + 1) / 2), 0));
  });

  it('optimised theta follows the whole trend when the data is a line (θ estimated)', () => {
    const line = Array.from({ length: 100 }, (_, t) => 5 + 2 * t + 0.01 * Math.sin(t));
    const standard = fitThetaAdjusted(line, 'standard').predict(20, []).mean[19]!;
    const optimised = fitThetaAdjusted(line, 'optimised').predict(20, []).mean[19]!;
    const truth = 5 + 2 * 119;
    expect(Math.abs(optimised - truth)).toBeLessThan(Math.abs(standard - truth));
  });
});

describe('naive2 and the seasonality test', () => {
  const profile = Array.from({ length: 24 }, (_, i) => 1 + 0.5 * Math.sin((2 * Math.PI * i) / 24));
  const series = Array.from({ length: 24 * 10 }, (_, t) => 100 * profile[t % 24]!);

  it('recovers multiplicative indices and repeats an exact seasonal series', () => {
    const idx = classicalSeasonalIndices(series, 24, 'multiplicative');
    idx.forEach((v, i) => expect(v).toBeCloseTo(profile[i]!, 6));
    const f = fitNaive2(series, 24).predict(48, [0.95]);
    f.mean.forEach((v, i) => expect(v).toBeCloseTo(series[(series.length + i) % 24]!, 6));
  });

  it('accepts a daily cycle and rejects white noise at the 90 % level', () => {
    const noisy = series.map((v, t) => v + gaussianNoise(series.length, 3)[t]!);
    expect(seasonalityTest(noisy, 24)).toBe(true);
    expect(seasonalityTest(gaussianNoise(240, 4), 24)).toBe(false);
  });

  it('removes daily and weekly seasons on the log scale for positive data', () => {
    const values = seasonalSeries(24 * 28, { weekly: 2, level: 50, seed: 8 });
    const adjustment = adjustSeasonality(values, [24, 168]);
    expect(adjustment.log).toBe(true);
    expect(adjustment.periods).toEqual([24, 168]);
    // The spread of the mean per hour of day (and per hour of week) shrinks to a few per cent of the original's.
    const phaseSpread = (x: readonly number[], m: number) => {
      const sums = new Array<number>(m).fill(0);
      x.forEach((v, t) => (sums[t % m] = sums[t % m]! + v));
      return Math.max(...sums) / (x.length / m) - Math.min(...sums) / (x.length / m);
    };
    const logs = values.map(Math.log);
    expect(phaseSpread(adjustment.adjusted, 24)).toBeLessThan(0.05 * phaseSpread(logs, 24));
    // (per hour of week, the trend's rise within a week, ~0.02 on the log scale, remains by design)
    expect(phaseSpread(adjustment.adjusted, 168)).toBeLessThan(0.2 * phaseSpread(logs, 168));
  });
});

describe('ets', () => {
  it('chooses a multiplicative season when the amplitude follows the level', () => {
    const noise = gaussianNoise(24 * 12, 5);
    const values = Array.from(
      { length: 24 * 12 },
      (_, t) => (50 + t) * (1 + 0.4 * Math.sin((2 * Math.PI * t) / 24)) * (1 + 0.01 * noise[t]!),
    );
    expect(fitEtsSeries(values, 24).description).toMatch(/^ETS\([AM],(A|Ad),M\) m=24/);
  });

  it('fits a positive series on the log scale, where that season is additive, and with the weekly one removed', () => {
    const noise = gaussianNoise(24 * 30, 6);
    const values = Array.from(
      { length: 24 * 30 },
      (_, t) =>
        (50 + t / 10) *
        (1 + 0.4 * Math.sin((2 * Math.PI * t) / 24)) *
        (1 + 0.2 * Math.sin((2 * Math.PI * t) / 168)) *
        (1 + 0.01 * noise[t]!),
    );
    const daily = fitEts(values, [24]);
    expect(daily.description).toMatch(/^ETS\(A,(A|Ad|N),A\) m=24 .*\(log scale, no season\)$/);
    const weekly = fitEts(values, [24, 168]);
    expect(weekly.description).toMatch(/ m=24 .*\(log scale, seasons \[168\] removed\)$/);
    const f = weekly.predict(48, [0.95]);
    expect(f.mean.every((v, i) => v > (f.lower[0]?.[i] as number) && v < (f.upper[0]?.[i] as number))).toBe(true);
  });

  it('chooses no season and no trend on white noise around a level', () => {
    const values = gaussianNoise(300, 6).map((v) => 20 + v);
    expect(fitEts(values, []).description).toMatch(/^ETS\([AM],N,N\)/);
  });
});

describe('auto arima', () => {
  it('recovers an AR(1) with φ = 0.7 and forecasts its decay to the mean', () => {
    const e = gaussianNoise(400, 7);
    const y = [0];
    for (let t = 1; t < 400; t++) y.push(0.7 * y[t - 1]! + e[t]!);
    const fitted = fitAutoArimaSeries(y, 1);
    expect(fitted.description).toMatch(/^ARIMA\([12],0,[0-2]\)/);
    const f = fitted.predict(30, [0.95]);
    expect(Math.abs(f.mean[29]!)).toBeLessThan(0.5);
    // the 95 % interval approaches ±1.96·σ/√(1−φ²) ≈ ±2.74
    const half = (f.upper[0]![29]! - f.lower[0]![29]!) / 2;
    expect(half).toBeGreaterThan(2.2);
    expect(half).toBeLessThan(3.3);
  });

  it('differences a random walk (KPSS rejects) and not white noise', () => {
    const e = gaussianNoise(300, 9);
    const walk: number[] = [];
    e.reduce((acc, v) => {
      walk.push(acc + v);
      return acc + v;
    }, 0);
    expect(kpssStatistic(walk)).toBeGreaterThan(0.463);
    expect(kpssStatistic(e)).toBeLessThan(0.463);
    expect(fitAutoArimaSeries(walk, 1).description).toMatch(/^ARIMA\(\d,1,\d\)/);
  });
});

describe('msis (M4 definition)', () => {
  it('adds the width and 2/a times each miss, scaled by the in-sample naive error', () => {
    // widths 2, 2, 2; one miss of 1 above the upper bound at a = 0.05 costs 40; scale mean|Δ| = 1
    expect(msis([1, 2, 3], [0, 0, 0], [2, 2, 2], [1, 2, 1, 2], 1, 0.95)).toBeCloseTo(46 / 3, 12);
  });
});

describe('determinism (no clock in the automatic choice)', () => {
  it('gives byte-identical forecasts for the same input, with the machine loaded or not', async () => {
    const values = seasonalSeries(24 * 21, { weekly: 2, trend: 0.01, seed: 12 });
    const input = { values, periods: [24, 168], intervalSeconds: 3600 };
    const quiet = JSON.stringify(forecastSeries(input, 48, [0.8, 0.95]));
    // Load the machine: busy loops on worker threads while the same forecast runs again.
    const { Worker } = await import('node:worker_threads');
    const spin = 'const end = Date.now() + 60_000; while (Date.now() < end) {}';
    const workers = Array.from({ length: 4 }, () => new Worker(spin, { eval: true }));
    try {
      const loaded = JSON.stringify(forecastSeries(input, 48, [0.8, 0.95]));
      expect(loaded).toBe(quiet);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});
