/**
 * An alert in words: the explanation's facts named and formatted (regression: raw floats and camelCase keys
 * such as `holdoutMase 0.6954001447585316`), and the table's summary without the metric and host it repeated.
 */
import { describe, expect, it } from 'vitest';
import { explanationRows, words } from '../src/features/alerts/explanation.ts';
import { summaryDetail } from '../src/features/alerts/alerts-table.tsx';
import { toAlert } from '../src/queries/alerts.ts';
import { alert } from './fixtures.ts';

describe('explanationRows', () => {
  it('names forecast facts in words and formats numbers by unit', () => {
    const rows = explanationRows({
      unit: '1',
      level: 0.95,
      model: 'mstl',
      threshold: 0.9,
      lastValue: 0.8860462169114289,
      holdoutMase: 0.6954001447585316,
      crossesInSeconds: 5400,
      crossingAt: '2026-12-07T12:34:10.991Z',
      labels: { 'host.name': 'web-4' },
      someNewFact: 1.23456789,
    });
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(byKey.threshold).toMatchObject({ label: 'threshold', text: '90%' });
    expect(byKey.lastValue).toMatchObject({ label: 'last value', text: '88.6%' });
    expect(byKey.level).toMatchObject({ label: 'forecast interval', text: '95 %' });
    expect(byKey.holdoutMase!.text).toBe('0.70');
    expect(byKey.holdoutMase!.label).toMatch(/^holdout error/);
    expect(byKey.crossesInSeconds).toMatchObject({ label: 'crosses in', text: '1 h 30 min' });
    expect(byKey.crossingAt!.text).not.toContain('T12:34');
    expect(byKey.someNewFact).toMatchObject({ label: 'some new fact', text: '1.235' });
    expect(rows.some((r) => r.key === 'labels' || r.key === 'unit')).toBe(false);
    expect(rows.every((r) => !/[a-z][A-Z]/.test(r.label))).toBe(true);
  });

  it('turns keys into words', () => {
    expect(words('forecast_threshold')).toBe('forecast threshold');
    expect(words('peakScore')).toBe('peak score');
  });
});

describe('summaryDetail', () => {
  it('drops the metric and host the row shows in their own columns', () => {
    const a = toAlert(alert());
    expect(summaryDetail(a)).toBe('is 0.97, above the expected 0.45 (band 0.38–0.52)');
  });
});
