/**
 * Deterministic generator of realistic monitoring series for the forecasting benchmark: hourly and
 * 5-minute gauges with daily and weekly cycles, trends, level shifts, spikes, noise, missing points and
 * the occasional outage gap, each with a held-out tail the forecasters never see.
 * Everything derives from one seed (mulberry32), so every run scores the same data.
 */
import { mulberry32 } from '@hydra/analytics';

const HOUR_MS = 3_600_000;
const FIVE_MINUTES_MS = 300_000;
/** Monday 2026-01-05 00:00 UTC, so weekly cycles line up with weekdays. */
const START_MS = Date.UTC(2026, 0, 5);

export interface BenchSeries {
  name: string;
  kind: string;
  intervalSeconds: number;
  /** Epoch ms of each training point. */
  times: number[];
  /** Training values; NaN where a point is missing. */
  values: number[];
  /** The held-out continuation (never missing). */
  future: number[];
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

type Shape = (t: number, hourOfDay: number, dayOfWeek: number, rand: () => number) => number;

const KINDS: Record<string, (rand: () => number) => Shape> = {
  // Request rate: daily double-hump, weekend dip, multiplicative noise, rare spikes.
  traffic: (rand) => {
    const base = 200 + 800 * rand();
    const weekend = 0.5 + 0.3 * rand();
    return (_t, hour, dow, r) => {
      const daily =
        1 + 0.6 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + 0.2 * Math.sin((4 * Math.PI * (hour - 13)) / 24);
      const week = dow >= 5 ? weekend : 1;
      const spike = r() < 0.004 ? 2 + 2 * r() : 1;
      return base * Math.max(0.05, daily) * week * spike * (1 + 0.08 * gaussian(r));
    };
  },
  // CPU %: daily cycle on a slow upward trend, additive noise.
  cpu: (rand) => {
    const base = 20 + 30 * rand();
    const slope = (0.5 + rand()) * 0.01;
    return (t, hour, _dow, r) => base + slope * t + 12 * Math.sin((2 * Math.PI * (hour - 8)) / 24) + 2.5 * gaussian(r);
  },
  // Disk used %: linear growth with noise, occasional cleanup level shifts down; no season.
  disk: (rand) => {
    let level = 30 + 30 * rand();
    const growth = 0.01 + 0.03 * rand();
    return (_t, _hour, _dow, r) => {
      level += growth + 0.02 * gaussian(r);
      if (r() < 0.002) level -= 5 + 10 * r();
      return level + 0.1 * gaussian(r);
    };
  },
  // Latency ms: level shifts (deploys) on a daily cycle, heavy-tailed noise.
  latency: (rand) => {
    let level = 50 + 100 * rand();
    return (_t, hour, _dow, r) => {
      if (r() < 0.003) level *= 0.7 + 0.6 * r();
      const noise = r() < 0.02 ? 4 * Math.abs(gaussian(r)) : gaussian(r);
      return level * (1 + 0.25 * Math.sin((2 * Math.PI * (hour - 14)) / 24)) + 0.05 * level * noise;
    };
  },
  // Temperature-like gauge around zero: negative values, daily cycle, autocorrelated wander.
  temperature: (rand) => {
    let wander = 0;
    const mean = -5 + 10 * rand();
    return (_t, hour, _dow, r) => {
      wander = 0.95 * wander + 0.3 * gaussian(r);
      return mean + 6 * Math.sin((2 * Math.PI * (hour - 15)) / 24) + wander;
    };
  },
  // Queue depth: random walk with drift, no season.
  backlog: (rand) => {
    let level = 100 * rand();
    const drift = 0.05 * (rand() - 0.3);
    return (_t, _hour, _dow, r) => {
      level += drift + gaussian(r);
      return level;
    };
  },
  // Business metric: strong weekly pattern (weekday/weekend) plus daily cycle.
  orders: (rand) => {
    const base = 50 + 50 * rand();
    return (_t, hour, dow, r) => {
      const week = [1, 1.05, 1.1, 1.05, 0.95, 0.45, 0.35][dow] as number;
      const daily = Math.max(0.1, 1 + 0.8 * Math.sin((2 * Math.PI * (hour - 10)) / 24));
      return base * week * daily + 3 * gaussian(r);
    };
  },
};

/** Kinds of series the generator makes, in the order `generateSuite` cycles through them. */
export const SERIES_KINDS = Object.keys(KINDS);

export interface SuiteOptions {
  seed: number;
  count: number;
  intervalMs: number;
  trainPoints: number;
  horizon: number;
  /** Share of training points dropped at random (missing scrapes). */
  missingFraction: number;
}

/** Generates `count` series cycling through the kinds; see the module comment. */
export function generateSuite(options: SuiteOptions): BenchSeries[] {
  const out: BenchSeries[] = [];
  for (let i = 0; i < options.count; i++) {
    const kind = SERIES_KINDS[i % SERIES_KINDS.length] as string;
    const rand = mulberry32(options.seed * 1_000_003 + i);
    const shape = (KINDS[kind] as (r: () => number) => Shape)(rand);
    const total = options.trainPoints + options.horizon;
    const times: number[] = [];
    const all: number[] = [];
    for (let t = 0; t < total; t++) {
      const time = START_MS + t * options.intervalMs;
      const date = new Date(time);
      const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
      const dow = (date.getUTCDay() + 6) % 7;
      times.push(time);
      all.push(shape(t * (options.intervalMs / HOUR_MS), hour, dow, rand));
    }
    const values = all.slice(0, options.trainPoints);
    for (let t = 1; t < values.length - 1; t++) if (rand() < options.missingFraction) values[t] = Number.NaN;
    if (rand() < 0.3) {
      const gapStart = Math.floor(values.length * (0.3 + 0.4 * rand()));
      const gapLength = Math.floor(3 + 6 * rand());
      for (let t = gapStart; t < gapStart + gapLength && t < values.length - 1; t++) values[t] = Number.NaN;
    }
    out.push({
      name: `${kind}-${options.intervalMs === FIVE_MINUTES_MS ? '5m' : '1h'}-${i}`,
      kind,
      intervalSeconds: options.intervalMs / 1000,
      times: times.slice(0, options.trainPoints),
      values,
      future: all.slice(options.trainPoints),
    });
  }
  return out;
}

export const HOURLY = { intervalMs: HOUR_MS, trainPoints: 5 * 168, horizon: 48, missingFraction: 0.02 };
export const FIVE_MINUTE = { intervalMs: FIVE_MINUTES_MS, trainPoints: 4 * 288, horizon: 144, missingFraction: 0.02 };
