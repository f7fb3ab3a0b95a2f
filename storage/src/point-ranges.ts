/**
 * The ranges a stored point's fields must keep, in one place: the columns
 * are int8 (counts), int4 (exponential-histogram scale and bucket offsets)
 * and timestamptz (µs). The collectors' decoders reject a point outside them
 * (with the field's name) before it is queued, and the writer checks every
 * request again, so no value reaches the binary COPY encoder that it cannot
 * write — one request's bad point can never fail a batch it shares.
 */
import type { ExpHistogramPoint, HistogramPoint } from './types.ts';

/** Counts are int8 and never negative: 0 ≤ count < 2^63 (a JS number ≥ 2^63 does not fit). */
export const MAX_COUNT_EXCLUSIVE = 2 ** 63;
export const MIN_INT32 = -(2 ** 31);
export const MAX_INT32 = 2 ** 31 - 1;

type HistogramFields = Omit<HistogramPoint, 'seriesId'>;
type ExpHistogramFields = Omit<ExpHistogramPoint, 'seriesId'>;

function countProblem(v: number, field: string): string | null {
  return Number.isInteger(v) && v >= 0 && v < MAX_COUNT_EXCLUSIVE
    ? null
    : `${field} must be an integer in [0, 2^63), got ${v}`;
}

function countsProblem(list: readonly number[], field: string): string | null {
  for (let i = 0; i < list.length; i++) {
    const problem = countProblem(list[i]!, `${field}[${i}]`);
    if (problem) return problem;
  }
  return null;
}

function int32Problem(v: number, field: string): string | null {
  return Number.isInteger(v) && v >= MIN_INT32 && v <= MAX_INT32 ? null : `${field} must be a 32-bit integer, got ${v}`;
}

function boundsProblem(list: readonly number[]): string | null {
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== 'number') return `explicitBounds[${i}] must be a number`;
  }
  return null;
}

/** Why a histogram point cannot be stored (naming the field), or null when it can. */
export function histogramProblem(p: HistogramFields): string | null {
  return countProblem(p.count, 'count') ?? countsProblem(p.bucketCounts, 'bucketCounts') ?? boundsProblem(p.bounds);
}

/** Why an exponential histogram point cannot be stored (naming the field), or null when it can. */
export function expHistogramProblem(p: ExpHistogramFields): string | null {
  return (
    countProblem(p.count, 'count') ??
    countProblem(p.zeroCount, 'zeroCount') ??
    int32Problem(p.scale, 'scale') ??
    int32Problem(p.positiveOffset, 'positive.offset') ??
    int32Problem(p.negativeOffset, 'negative.offset') ??
    countsProblem(p.positiveCounts, 'positive.bucketCounts') ??
    countsProblem(p.negativeCounts, 'negative.bucketCounts')
  );
}
