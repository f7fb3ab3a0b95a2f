/**
 * The robust cleaning of the fitting copy (tsclean-like) and the holdout calibration of the intervals of
 * the automatic choice.
 */
import { describe, expect, it } from 'vitest';
import { cleanSeries, forecastSeries, mase, MAX_INTERVAL_SCALE, type Forecaster } from '@hydra/analytics';
import { seasonalSeries } from './forecast-fixtures.ts';

describe('cleanSeries', () => {
  const base = seasonalSeries(24 * 21, { weekly: 1, trend: 0.01, seed: 5 });

  it('replaces a short burst by the seasonal fit and leaves the rest alone', () => {
    const spiky = [...base];
    for (const i of [300, 301, 302]) spiky[i] = (spiky[i] as number) * 10;
    const c = cleanSeries(spiky, [24, 168]);
    expect(c.replaced).toEqual(expect.arrayContaining([300, 301, 302]));
    expect(c.replaced.length).toBeLessThan(10);
    for (const i of [300, 301, 302]) expect(Math.abs((c.values[i] as number) - (base[i] as number))).toBeLessThan(2);
    // points that were not replaced are untouched
    base.forEach((v, i) => {
      if (!c.replaced.includes(i) && i !== 300 && i !== 301 && i !== 302) expect(c.values[i]).toBe(v);
    });
  });

  it('follows a level shift that lasts, also at the very end', () => {
    const shifted = base.map((v, i) => (i >= base.length - 30 ? v + 40 : v));
    const c = cleanSeries(shifted, [24, 168]);
    expect(c.replaced.filter((i) => i >= base.length - 30)).toEqual([]);
  });

  it('takes nothing of a steady trend for an outlier, at the ends either', () => {
    // A filling disk: 0.0005 a step with noise a tenth of that; a median at the end would lag by 3 steps' growth.
    const ramp = Array.from({ length: 576 }, (_, i) => 0.5 + 0.0005 * i + 0.00005 * Math.sin(i * 12.9898));
    expect(cleanSeries(ramp, []).replaced).toEqual([]);
    expect(cleanSeries(ramp, [24]).replaced).toEqual([]);
  });

  it('cleans a spike at the last point (an incident still going on)', () => {
    const last = [...base];
    last[last.length - 1] = 500;
    expect(cleanSeries(last, [24]).replaced).toContain(last.length - 1);
  });

  it('replaces nothing when the scale cannot be estimated (mostly zeros) or the series is short', () => {
    const zeros = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? 7 : 0));
    expect(cleanSeries(zeros, []).replaced).toEqual([]);
    expect(cleanSeries([1, 100, 1, 1], []).replaced).toEqual([]);
  });

  it('keeps a positive series positive', () => {
    const positive = Array.from({ length: 200 }, (_, i) => 1 + (i % 24 < 2 ? 50 : 0.1 * (i % 3)));
    positive[150] = 0.001;
    expect(Math.min(...cleanSeries(positive, [24]).values)).toBeGreaterThan(0);
  });
});

describe('forecastSeries: cleaning and calibrated intervals', () => {
  it('fits the automatic choice on the cleaned copy: incidents in the history do not pull the forecast', () => {
    const values = seasonalSeries(24 * 28, { weekly: 1, trend: 0, seed: 9 });
    const history = values.slice(0, -48);
    const future = values.slice(-48);
    const spiky = history.map((v, i) => (i % 97 === 50 || i === history.length - 3 ? v + 60 : v));
    const input = { values: spiky, periods: [24, 168], intervalSeconds: 3600 };
    const cleaned = forecastSeries(input, 48, [0.95]);
    const raw = forecastSeries(input, 48, [0.95], { clean: false });
    expect(cleaned.description).toMatch(/fitted with \d+ outliers replaced/);
    expect(raw.description).not.toMatch(/outlier/);
    expect(mase(future, cleaned.forecast.mean, history, 24)).toBeLessThan(mase(future, raw.forecast.mean, history, 24));
  });

  it('widens intervals by the largest holdout |error| / half-width, never narrows, caps the factor', () => {
    // A model that always says 0 ± 1 on data alternating ±2.5 with one 3: every holdout point needs a factor of
    // at least 2.5, the 3 needs 3.
    const unit: Forecaster = {
      name: 'unit',
      minLength: () => 1,
      fit: () => ({
        model: 'unit',
        description: '0 ± 1',
        predict: (h, levels) => ({
          mean: new Array(h).fill(0),
          levels: [...levels],
          lower: levels.map(() => new Array(h).fill(-1)),
          upper: levels.map(() => new Array(h).fill(1)),
        }),
      }),
    };
    const values = Array.from({ length: 120 }, (_, i): number => (i % 2 ? 2.5 : -2.5));
    values[110] = 3;
    const r = forecastSeries({ values, periods: [] }, 10, [0.95], { candidates: [unit], combine: false, clean: false });
    expect(r.intervalScale).toBeCloseTo(3, 12);
    expect(r.forecast.upper[0]?.[0]).toBeCloseTo(3, 12);
    const wide = values.map((v) => v / 10);
    expect(
      forecastSeries({ values: wide, periods: [] }, 10, [0.95], { candidates: [unit], combine: false }).intervalScale,
    ).toBeUndefined();
    values[115] = 1000;
    expect(
      forecastSeries({ values, periods: [] }, 10, [0.95], { candidates: [unit], combine: false, clean: false })
        .intervalScale,
    ).toBe(MAX_INTERVAL_SCALE);
  });
});
