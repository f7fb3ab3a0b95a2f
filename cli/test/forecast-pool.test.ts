/**
 * The forecast pool keeps its workers between runs (a worker's start costs far more than a small batch), shares
 * them between concurrent runs, answers in each run's job order with the caller's indexes, and fails the runs in
 * progress when it is closed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forecastTask } from '@hydra/analysis/forecast-runner';
import { ForecastPool, type ForecastJob } from '../src/forecast-pool.ts';

let pool: ForecastPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** `n` seasonal series (period 24), each at its own level, indexed from `from`. */
function jobs(n: number, from = 0): ForecastJob[] {
  return Array.from({ length: n }, (_, i) => ({
    index: from + i,
    values: Array.from({ length: 96 }, (_, t) => 10 * (from + i) + Math.sin((2 * Math.PI * t) / 24)),
    periods: [24],
    intervalSeconds: 3600,
    horizon: 6,
    levels: [0.9],
    model: 'seasonal_naive',
  }));
}

describe('ForecastPool', () => {
  it('starts its workers once and keeps them for the runs that follow', async () => {
    pool = new ForecastPool(2);
    for (let run = 0; run < 4; run++) {
      const input = jobs(9, run * 100);
      const results = await pool.run(input);
      expect(results.map((r) => r.index)).toEqual(input.map((j) => j.index));
      // the same fit as on this thread
      expect(results[3]).toEqual({ index: input[3]!.index, ...forecastTask(input[3]!) });
    }
    expect(pool.workersStarted).toBe(2);
  }, 60_000);

  it('shares its workers between concurrent runs and reports each run’s progress', async () => {
    pool = new ForecastPool(2);
    const progress: number[] = [];
    const [a, b] = await Promise.all([pool.run(jobs(10), (done) => progress.push(done)), pool.run(jobs(3, 50))]);
    expect(a.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(b.map((r) => r.index)).toEqual([50, 51, 52]);
    expect(progress.at(-1)).toBe(10);
    expect(pool.workersStarted).toBe(2);
  }, 60_000);

  it('fails the runs in progress and later ones once closed', async () => {
    pool = new ForecastPool(1);
    const running = expect(pool.run(jobs(8))).rejects.toThrow(/closed/);
    await pool.close();
    await running;
    await expect(pool.run(jobs(1))).rejects.toThrow(/closed/);
  }, 60_000);
});
