/**
 * What the charts draw from: the rows of a scored series (regression: the band scored at another step than
 * the chart's added rows without the series' value and broke its line into isolated points), anomaly
 * episodes from scored points, the forecast anchored at the last observed point, and additive
 * aggregations without their partial buckets.
 */
import { describe, expect, it } from 'vitest';
import type { RangeResultBody } from '@hydra/contract';
import { anchoredForecast, toRows, type BandPoint } from '../src/components/chart/chart-data.ts';
import { anomalyEpisodes, type ScoredPoint } from '../src/lib/anomaly-episodes.ts';
import { withoutPartialBuckets } from '../src/queries/metrics.ts';

const MIN = 60_000;

describe('toRows', () => {
  it('puts a band scored every minute on a chart of 2-minute buckets without rows lacking the series', () => {
    const points = Array.from({ length: 10 }, (_, i) => [i * 2 * MIN, i] as const);
    const band: BandPoint[] = Array.from({ length: 20 }, (_, i) => ({
      t: i * MIN + 30_000,
      lower: i,
      upper: i + 2,
      expected: i + 1,
    }));
    const rows = toRows({ series: [{ key: 's1', label: 'cpu', points }], band });
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => typeof r.s1 === 'number')).toBe(true);
    // bucket 0 holds the band points of minutes 0 and 1: widest edges, mean expected
    expect(rows[0]).toMatchObject({ t: 0, band: [0, 3], expected: 1.5 });
  });

  it('keeps an explicit gap (null) of the series and adds forecast rows after it', () => {
    const rows = toRows({
      series: [
        {
          key: 's1',
          label: 'cpu',
          points: [
            [0, 1],
            [MIN, null],
            [2 * MIN, 3],
          ],
        },
      ],
      forecast: [{ t: 3 * MIN, mean: 4, lower: 3, upper: 5 }],
    });
    expect(rows.map((r) => [r.t, 's1' in r ? r.s1 : 'absent'])).toEqual([
      [0, 1],
      [MIN, null],
      [2 * MIN, 3],
      [3 * MIN, 'absent'],
    ]);
  });
});

describe('anchoredForecast', () => {
  it('starts at the last observed point and drops forecast points before it', () => {
    const f = [
      { t: 10 * MIN, mean: 1, lower: 0, upper: 2 },
      { t: 40 * MIN, mean: 2, lower: 1, upper: 3 },
    ];
    expect(anchoredForecast(f, { t: 28 * MIN, value: 1.5 })).toEqual([
      { t: 28 * MIN, mean: 1.5, lower: 1.5, upper: 1.5 },
      f[1],
    ]);
  });
});

describe('anomalyEpisodes', () => {
  const scored = (scores: number[], monitor = 'm'): (ScoredPoint & { monitor: string })[] =>
    scores.map((score, i) => ({
      t: i * MIN,
      monitor,
      value: 10 + i,
      score,
      expected: 10,
      lower: 9,
      upper: 11,
    }));

  it('groups anomalous points into episodes with their peak; one normal point inside does not split one', () => {
    const episodes = anomalyEpisodes(scored([0.1, 0.6, 0.9, 0.2, 0.7, 0.1, 0.1, 0.1, 0.8, 0.5]));
    expect(episodes).toEqual([
      { from: MIN, to: 5 * MIN, peak: { t: 2 * MIN, value: 12, score: 0.9 }, points: 3 },
      // 0.5 is not above the threshold
      { from: 8 * MIN, to: 9 * MIN, peak: { t: 8 * MIN, value: 18, score: 0.8 }, points: 1 },
    ]);
  });

  it('counts a time scored by two monitors once, at its highest score', () => {
    const episodes = anomalyEpisodes([...scored([0.1, 0.1, 0.1]), ...scored([0.1, 0.95, 0.1], 'other')]);
    expect(episodes).toEqual([{ from: MIN, to: 2 * MIN, peak: { t: MIN, value: 11, score: 0.95 }, points: 1 }]);
  });

  it('finds none in a quiet series, and none without scores', () => {
    expect(anomalyEpisodes(scored([0.1, 0.2, 0.3]))).toEqual([]);
    expect(anomalyEpisodes([])).toEqual([]);
  });
});

describe('withoutPartialBuckets', () => {
  const result = (aggregation: RangeResultBody['aggregation']): RangeResultBody => ({
    series: [
      {
        id: 1,
        metric: 'http.server.errors',
        kind: 'sum',
        unit: '{error}',
        temporality: 'cumulative',
        monotonic: true,
        labels: {},
        points: [
          [0, 1],
          [MIN, 1],
          [2 * MIN, 1],
          [3 * MIN, 0.2],
        ],
      },
    ],
    stepSeconds: 60,
    aggregation,
    source: 'raw',
  });

  it('drops the buckets a rate or count only partly covers at either end', () => {
    const trimmed = withoutPartialBuckets(result('rate'), 30_000, 3.5 * MIN);
    expect(trimmed.series[0]!.points).toEqual([
      [MIN, 1],
      [2 * MIN, 1],
    ]);
    expect(withoutPartialBuckets(result('count'), 0, 3.5 * MIN).series[0]!.points).toHaveLength(3);
  });

  it('keeps averages of a partial bucket', () => {
    expect(withoutPartialBuckets(result('avg'), 30_000, 3.5 * MIN).series[0]!.points).toHaveLength(4);
  });
});
