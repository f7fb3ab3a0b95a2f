import { describe, expect, it } from 'vitest';
import { checkForecast, type ForecastResult } from '@hydra/analytics';

const history = Array.from({ length: 100 }, (_, i) => 50 + 10 * Math.sin(i / 5));
const ok = (mean: number[], halfWidth = 1): ForecastResult => ({
  mean,
  levels: [0.95],
  lower: [mean.map((m) => m - halfWidth)],
  upper: [mean.map((m) => m + halfWidth)],
});

describe('checkForecast', () => {
  it('accepts a forecast inside the history range', () => {
    expect(checkForecast(history, ok([50, 55, 45]))).toBeNull();
  });

  it('flags NaN and infinities', () => {
    expect(checkForecast(history, ok([50, Number.NaN]))).toBe('non-finite');
    expect(checkForecast(history, ok([50, 51], Number.POSITIVE_INFINITY))).toBe('non-finite');
  });

  it('flags an exploding interval and an implausible mean', () => {
    expect(checkForecast(history, ok([50, 51], 1e4))).toBe('explosion');
    expect(checkForecast(history, ok([50, 500]))).toBe('implausible-range');
  });

  it('flags an inverted interval', () => {
    expect(checkForecast(history, { mean: [50], levels: [0.9], lower: [[52]], upper: [[48]] })).toBe(
      'inverted-interval',
    );
  });

  it('allows a continued trend and an exact constant', () => {
    const trend = Array.from({ length: 100 }, (_, i) => i);
    expect(checkForecast(trend, ok([100, 120, 150]))).toBeNull();
    expect(checkForecast([5, 5, 5], ok([5, 5], 0))).toBeNull();
    expect(checkForecast([5, 5, 5], ok([5, 6], 0))).toBe('implausible-range');
  });
});
