import { describe, expect, it } from 'vitest';
import { calendarCandidates, detectSeasonality, periodsForSeason } from '@hydra/analytics';
import { lcg, seasonalSeries } from './forecast-fixtures.ts';

describe('calendarCandidates', () => {
  it('gives daily and weekly periods in steps for common intervals', () => {
    expect(calendarCandidates(3600)).toEqual([24, 168]);
    expect(calendarCandidates(300)).toEqual([288, 2016]);
    expect(calendarCandidates(86_400)).toEqual([7, 365]);
    expect(calendarCandidates(7 * 86_400)).toEqual([52]);
    expect(calendarCandidates(31 * 86_400)).toEqual([12]);
    expect(calendarCandidates(91 * 86_400)).toEqual([4]);
  });
});

describe('periodsForSeason (hydra forecast --season M)', () => {
  it('adds the weekly cycle to a daily season when the data shows it, hourly or step-indexed', () => {
    const weekly = seasonalSeries(900, { weekly: 1.5 });
    expect(periodsForSeason(24, weekly, 3600)).toEqual([24, 168]);
    expect(periodsForSeason(24, weekly, undefined)).toEqual([24, 168]);
    expect(periodsForSeason(24, seasonalSeries(900, { trend: 0.05 }), 3600)).toEqual([24]);
  });

  it('keeps a season that is not daily as given, and none for 1', () => {
    expect(periodsForSeason(12, seasonalSeries(900, { weekly: 1.5 }), 3600)).toEqual([12]);
    expect(periodsForSeason(1, seasonalSeries(900), 3600)).toEqual([]);
  });
});

describe('detectSeasonality', () => {
  it('finds daily and weekly cycles in hourly data', () => {
    expect(detectSeasonality(seasonalSeries(900, { weekly: 1.5 }), { intervalSeconds: 3600 }).periods).toEqual([
      24, 168,
    ]);
  });

  it('finds only the daily cycle when there is no weekly one', () => {
    expect(detectSeasonality(seasonalSeries(900, { trend: 0.05 }), { intervalSeconds: 3600 }).periods).toEqual([24]);
  });

  it('finds the daily cycle of step-indexed data among the step candidates', () => {
    expect(detectSeasonality(seasonalSeries(600)).periods).toEqual([24]);
  });

  it('finds the yearly cycle of monthly data', () => {
    const rand = lcg(2);
    const monthly = Array.from({ length: 120 }, (_, i) => 100 + i + 20 * Math.sin((2 * Math.PI * i) / 12) + 3 * rand());
    expect(detectSeasonality(monthly, { intervalSeconds: 30.4 * 86_400 }).periods).toEqual([12]);
  });

  it('finds nothing in white noise, a random walk, a straight line or a constant', () => {
    const rand = lcg(5);
    let walk = 0;
    const cases = [
      Array.from({ length: 900 }, () => rand()),
      Array.from({ length: 900 }, () => (walk += rand() - 0.5)),
      Array.from({ length: 900 }, (_, i) => 3 * i),
      new Array(900).fill(1),
    ];
    for (const values of cases) expect(detectSeasonality(values, { intervalSeconds: 3600 }).periods).toEqual([]);
  });

  it('does not test a period without two full cycles', () => {
    const result = detectSeasonality(seasonalSeries(40), { intervalSeconds: 3600 });
    expect(result.periods).toEqual([]);
    expect(result.tested).toEqual([]);
  });
});
