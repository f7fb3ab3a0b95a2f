import type { SeededRandom } from './random.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A kind of metric: its sampling, length, shape and noise. */
export interface Profile {
  name: string;
  intervalMs: number;
  points: number;
  /** Whether it has a daily cycle (seasonal-break events need one). */
  seasonal: boolean;
  /** Noise standard deviation in the series' unit, for sizing events. */
  noise: number;
  /** The normal value at time t (ms since the series start). */
  shape(t: number): number;
  /** One draw of noise around `mean`. */
  draw(mean: number, random: SeededRandom, noiseFactor: number): number;
}

function daily(t: number, peakHour: number): number {
  return Math.cos((2 * Math.PI * (t - peakHour * HOUR)) / DAY);
}

function weekend(t: number): boolean {
  const day = Math.floor(t / DAY) % 7;
  return day === 5 || day === 6;
}

/** The metric shapes of the corpus, from 10-second gauges to hourly capacity series. */
export const PROFILES: Profile[] = [
  {
    name: 'cpu-1m',
    intervalMs: MINUTE,
    points: 10 * 1440,
    seasonal: true,
    noise: 2,
    shape: (t) => (40 + 15 * daily(t, 14)) * (weekend(t) ? 0.7 : 1),
    draw: (mean, r, f) => mean + 2 * f * r.normal(),
  },
  {
    name: 'latency-1m',
    intervalMs: MINUTE,
    points: 7 * 1440,
    seasonal: true,
    noise: 6,
    shape: (t) => 120 + 20 * daily(t, 20),
    draw: (mean, r, f) => mean + 6 * f * r.studentT(5),
  },
  {
    name: 'requests-5m',
    intervalMs: 5 * MINUTE,
    points: 28 * 288,
    seasonal: true,
    noise: 30,
    shape: (t) => (1000 + 500 * daily(t, 15)) * (weekend(t) ? 0.6 : 1),
    draw: (mean, r, f) => mean * (1 + 0.03 * f * r.normal()),
  },
  {
    name: 'queue-10s',
    intervalMs: 10_000,
    points: 2 * 8640,
    seasonal: false,
    noise: 1,
    shape: () => 5,
    draw: (mean, r, f) => Math.max(0, Math.round(mean + f * r.normal())),
  },
  {
    name: 'disk-1h',
    intervalMs: HOUR,
    points: 8 * 7 * 24,
    seasonal: true,
    noise: 0.5,
    shape: (t) => 50 + 2 * daily(t, 3) + (0.01 * t) / HOUR,
    draw: (mean, r, f) => mean + 0.5 * f * r.normal(),
  },
  {
    name: 'errors-1m',
    intervalMs: MINUTE,
    points: 5 * 1440,
    seasonal: true,
    noise: 2,
    shape: (t) => 4 + 2 * daily(t, 14),
    draw: (mean, r, f) => Math.max(0, r.poisson(Math.max(0, mean)) + Math.round((f - 1) * 2 * r.normal())),
  },
];
