/**
 * The pure parts of the forecast job and GET /predictions: the grid a window
 * is forecast on, countdown formatting, the fit-quality gate (holdout MASE,
 * or close to the seasonal-naive baseline), the crossing each severity acts
 * on, and the raise / keep / resolve decision for a threshold.
 */
import { describe, expect, it } from 'vitest';
import type { SeriesInfo, StoredForecast } from '@hydra/storage';
import { parseMonitorSpec } from '@hydra/schema';
import { chooseGrid, MAX_HISTORY_MS } from '../src/forecast/grid.ts';
import { alertCrossing, crossingOf, fitIsGood, formatDuration } from '../src/forecast/thresholds.ts';
import { thresholdAlert } from '../src/jobs/forecast-alerts.ts';
import type { MonitorRef } from '../src/jobs/monitor.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 26, 6, 0);

/** A forecast every 30 min from 0.80 rising 0.01 a step, band ±0.02 (0.9 is reached at step 10 by the mean). */
function forecast(overrides: Partial<StoredForecast> = {}): StoredForecast {
  const n = 24;
  const mean = Array.from({ length: n }, (_, k) => 0.8 + 0.01 * (k + 1));
  return {
    monitor: 'default/disk',
    seriesId: 7,
    createdAt: NOW,
    model: 'mstl',
    description: 'MSTL',
    holdoutMase: 0.5,
    baselineMase: 0.9,
    fallback: null,
    level: 0.95,
    stepMs: 30 * MIN,
    firstTime: NOW + 30 * MIN,
    lastObservedTime: NOW,
    lastValue: 0.8,
    historyPoints: 672,
    periods: [48],
    mean,
    lower: mean.map((m) => m - 0.02),
    upper: mean.map((m) => m + 0.02),
    ...overrides,
  };
}

const series: SeriesInfo = {
  id: 7,
  metric: 'system.filesystem.utilization',
  kind: 'gauge',
  unit: '1',
  temporality: 'unspecified',
  monotonic: false,
  labels: { 'host.name': 'web-4', 'system.filesystem.mountpoint': '/' },
};
const monitor: MonitorRef = {
  key: 'default/disk',
  name: 'disk',
  namespace: 'default',
  spec: parseMonitorSpec({ selector: { metric: series.metric }, forecast: { enabled: true } }),
};

describe('chooseGrid', () => {
  it('puts 14 days on a 30-minute grid (672 points, daily 48, weekly 336) and a day ahead in 48 steps', () => {
    expect(chooseGrid(14 * DAY, DAY)).toEqual({ stepMs: 30 * MIN, historyMs: 14 * DAY, horizonSteps: 48 });
  });
  it('uses the finest step that fits: a day of history at one minute', () => {
    expect(chooseGrid(DAY / 2, HOUR)).toMatchObject({ stepMs: MIN, horizonSteps: 60 });
  });
  it('caps the history window', () => {
    expect(chooseGrid(365 * DAY, DAY).historyMs).toBeLessThanOrEqual(MAX_HISTORY_MS);
  });
  it('coarsens the step for a long horizon', () => {
    expect(chooseGrid(HOUR, 30 * DAY).horizonSteps).toBeLessThanOrEqual(500);
  });
  it('refuses a window that is not positive, naming it', () => {
    expect(() => chooseGrid(0, DAY)).toThrow(/history must be positive/);
    expect(() => chooseGrid(DAY, -1)).toThrow(/horizon must be positive/);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, '<1m'],
    [45 * MIN, '45m'],
    [5 * HOUR + 20 * MIN, '5h 20m'],
    [3 * HOUR, '3h'],
    [2 * DAY + 3 * HOUR + 59 * MIN, '2d 3h'],
    [-5, '<1m'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('fit quality', () => {
  it('accepts a holdout MASE up to 1', () => expect(fitIsGood(forecast({ holdoutMase: 1 }))).toBe(true));
  it('accepts a high MASE within 10 % of the seasonal-naive baseline (nearly periodic series)', () => {
    expect(fitIsGood(forecast({ holdoutMase: 8.3, baselineMase: 8.29 }))).toBe(true);
  });
  it('refuses a high MASE clearly worse than the baseline, or with no baseline', () => {
    expect(fitIsGood(forecast({ holdoutMase: 3, baselineMase: 2 }))).toBe(false);
    expect(fitIsGood(forecast({ holdoutMase: 3, baselineMase: null }))).toBe(false);
  });
  it('does not judge an unmeasured fit (a model named explicitly)', () => {
    expect(fitIsGood(forecast({ holdoutMase: null, baselineMase: null }))).toBe(true);
  });
});

describe('crossings', () => {
  it('gives the band edges and the mean in time order for a rising metric', () => {
    const c = crossingOf(forecast(), { value: 0.9, direction: 'above' });
    expect(c.suppressed).toBeNull();
    expect(c.early!).toBeLessThan(c.mean!);
    expect(c.mean!).toBeLessThan(c.late!);
    // The mean reaches 0.9 at step 10: five hours after the last observation.
    expect(c.mean).toBe(NOW + 5 * HOUR);
    expect(alertCrossing(c, 'warning')).toBe(c.early);
    expect(alertCrossing(c, 'critical')).toBe(c.mean);
  });
  it('answers no crossing for a lower threshold the rising forecast never falls to', () => {
    const c = crossingOf(forecast(), { value: 0.7, direction: 'below' });
    expect(c).toMatchObject({ mean: null, early: null, late: null, suppressed: null });
  });
  it('suppresses a poor fit, a fallback and an already crossed threshold', () => {
    expect(
      crossingOf(forecast({ holdoutMase: 3, baselineMase: 1 }), { value: 0.9, direction: 'above' }).suppressed,
    ).toBe('poor-fit');
    const fallback = forecast({ fallback: { from: 'mstl', reason: 'guard: implausible-range' } });
    expect(crossingOf(fallback, { value: 0.9, direction: 'above' }).suppressed).toBe('fallback-model');
    expect(crossingOf(forecast(), { value: 0.75, direction: 'above' }).suppressed).toBe('already-crossed');
  });
});

describe('threshold alert decision', () => {
  const decide = (f: StoredForecast, value: number, severity: 'warning' | 'critical', horizonMs = 12 * HOUR) =>
    thresholdAlert({
      monitor,
      series,
      forecast: f,
      threshold: { value, direction: 'above', severity },
      now: NOW,
      horizonMs,
      maxMase: 1,
    });

  it('raises with a countdown summary and the identity docs/alerts.md prescribes', () => {
    const d = decide(forecast(), 0.9, 'critical');
    expect(d.action).toBe('raise');
    if (d.action !== 'raise') return;
    expect(d.input).toMatchObject({
      kind: 'forecast_threshold',
      monitor: 'default/disk',
      metric: series.metric,
      seriesId: 7,
      severity: 'critical',
      labels: { 'host.name': 'web-4', threshold: '0.9', direction: 'above' },
      forMs: 0,
    });
    expect(d.input.summary).toBe(
      'system.filesystem.utilization on web-4 reaches 0.9 in 5h (at 2026-11-26 11:00 UTC, mean forecast); ' +
        'forecast by mstl, holdout MASE 0.50',
    );
    expect(d.input.explanation).toMatchObject({ crossesInSeconds: 5 * 3600, estimate: 'mean', level: 0.95 });
  });
  it('resolves when the crossing is beyond the horizon or suppressed', () => {
    expect(decide(forecast(), 0.9, 'critical', 4 * HOUR).action).toBe('resolve');
    expect(decide(forecast(), 2, 'warning').action).toBe('resolve');
    expect(decide(forecast({ holdoutMase: 5, baselineMase: 1 }), 0.9, 'warning').action).toBe('resolve');
  });
  it('keeps an open alert as it is while the series is already past the threshold', () => {
    expect(decide(forecast(), 0.75, 'warning').action).toBe('keep');
  });
});
