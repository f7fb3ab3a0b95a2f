/**
 * The HYDRA_EXPORT_* settings of the analysis export: defaults, parsing, and a
 * clear error naming the variable for a bad value.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('HYDRA_EXPORT_* settings', () => {
  it('defaults to 5000 series per family, 1 h max age, horizons 1h,6h,24h, a refresh every 15 s', () => {
    expect(loadConfig({}).exports).toEqual({
      maxSeries: 5_000,
      maxAgeMs: 3_600_000,
      horizons: [
        { label: '1h', ms: 3_600_000 },
        { label: '6h', ms: 21_600_000 },
        { label: '24h', ms: 86_400_000 },
      ],
      intervalMs: 15_000,
    });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      HYDRA_EXPORT_MAX_SERIES: '200',
      HYDRA_EXPORT_MAX_AGE: '2h30m',
      HYDRA_EXPORT_FORECAST_HORIZONS: '30m, 2h',
      HYDRA_EXPORT_INTERVAL: '1s',
    });
    expect(config.exports).toEqual({
      maxSeries: 200,
      maxAgeMs: 9_000_000,
      horizons: [
        { label: '30m', ms: 1_800_000 },
        { label: '2h', ms: 7_200_000 },
      ],
      intervalMs: 1_000,
    });
  });

  it.each([
    ['HYDRA_EXPORT_MAX_SERIES', '0', 'HYDRA_EXPORT_MAX_SERIES: 0 is outside 1…100000'],
    ['HYDRA_EXPORT_MAX_SERIES', 'lots', "HYDRA_EXPORT_MAX_SERIES: 'lots' is not a whole number"],
    ['HYDRA_EXPORT_MAX_AGE', '1 hour', "HYDRA_EXPORT_MAX_AGE: '1 hour' is not a duration such as 30s, 5m, 1h30m or 7d"],
    ['HYDRA_EXPORT_INTERVAL', '100ms', 'HYDRA_EXPORT_INTERVAL: 100ms is outside 1 s…3600 s'],
    ['HYDRA_EXPORT_FORECAST_HORIZONS', '1h,tomorrow', "HYDRA_EXPORT_FORECAST_HORIZONS: 'tomorrow' is not a duration"],
    ['HYDRA_EXPORT_FORECAST_HORIZONS', '60m,1h', 'HYDRA_EXPORT_FORECAST_HORIZONS: horizons must be distinct'],
  ])('%s=%s is refused', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
