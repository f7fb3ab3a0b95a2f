/**
 * Step buckets as mergeable partial aggregates (min, max, sum, count, last by
 * time), whether they come from raw samples or from a rollup table, and the
 * aggregations computed from them. Pure functions.
 */
import type { Aggregation, MetricKind, Temporality } from '../types.ts';

export interface Bucket {
  /** bucket start, epoch ms */
  t: number;
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  /** time of `last`, epoch µs */
  lastTimeUs: number;
}

/** Folds `b` into `a` (same series, same bucket). */
export function mergeBucket(a: Bucket, b: Bucket): Bucket {
  const later = b.lastTimeUs > a.lastTimeUs;
  return {
    t: a.t,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    count: a.count + b.count,
    last: later ? b.last : a.last,
    lastTimeUs: later ? b.lastTimeUs : a.lastTimeUs,
  };
}

export interface SeriesShape {
  kind: MetricKind;
  temporality: Temporality;
  monotonic: boolean;
}

/**
 * How `rate` reads a series: a cumulative monotonic counter gives the
 * per-second increase between consecutive bucket lasts (a drop is a counter
 * reset: see counterIncrease); a delta sum gives the bucket's sum per second
 * of step; anything else the per-second change of the last value.
 */
export function rateMode(shape: SeriesShape): 'counter' | 'delta' | 'derivative' {
  if (shape.kind === 'sum' && shape.temporality === 'delta') return 'delta';
  if (shape.kind === 'sum' && shape.monotonic && shape.temporality === 'cumulative') return 'counter';
  return 'derivative';
}

/**
 * The points of one series: `buckets` ascending by t; only buckets with
 * t ≥ fromMs are emitted (an earlier one only seeds `rate`).
 */
export function aggregateBuckets(
  buckets: readonly Bucket[],
  aggregation: Aggregation,
  stepSeconds: number,
  fromMs: number,
  shape: SeriesShape,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const mode = rateMode(shape);
  let prev: Bucket | null = null;
  for (const b of buckets) {
    if (aggregation === 'rate') {
      const value = rateOf(b, prev, mode, stepSeconds);
      prev = b;
      if (b.t >= fromMs && value !== null) out.push([b.t, value]);
      continue;
    }
    if (b.t < fromMs) continue;
    out.push([b.t, valueOf(b, aggregation)]);
  }
  return out;
}

function valueOf(b: Bucket, aggregation: Exclude<Aggregation, 'rate'>): number {
  switch (aggregation) {
    case 'avg':
      return b.sum / b.count;
    case 'min':
      return b.min;
    case 'max':
      return b.max;
    case 'sum':
      return b.sum;
    case 'count':
      return b.count;
    case 'last':
      return b.last;
  }
}

function rateOf(
  b: Bucket,
  prev: Bucket | null,
  mode: 'counter' | 'delta' | 'derivative',
  stepSeconds: number,
): number | null {
  if (mode === 'delta') return b.sum / stepSeconds;
  if (!prev) return null;
  const seconds = (b.lastTimeUs - prev.lastTimeUs) / 1e6;
  if (seconds <= 0) return null;
  if (mode === 'counter') return counterIncrease(prev, b) / seconds;
  return (b.last - prev.last) / seconds;
}

/**
 * What a cumulative counter gained from `prev`'s last value to `b`'s. A drop
 * is a reset (the process restarted): the counter counted from 0 up to
 * `b.last` after it and, before it, from `prev.last` up to the highest value
 * it reached in `b` (a monotonic counter's values before a reset are above
 * those after it, so that is `b.max`). Without `b.max` the increase before
 * the reset was lost, and a bucket holding a restart read as a cliff.
 */
export function counterIncrease(prev: Pick<Bucket, 'last'>, b: Pick<Bucket, 'last' | 'max'>): number {
  if (b.last >= prev.last) return b.last - prev.last;
  return Math.max(0, b.max - prev.last) + b.last;
}
