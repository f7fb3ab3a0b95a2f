/**
 * Which partial-aggregate fields of a step bucket (min, max, sum, count, last and its time) each
 * aggregation reads: range.ts selects only those, since the client's parsing
 * of the rows, not the database, dominates the cost of large results.
 */
import type { Aggregation } from '../types.ts';

export type BucketField = 'min' | 'max' | 'sum' | 'count' | 'last' | 'lt';

/** Fields each aggregation reads; `last` needs its time to merge partial buckets, a counter's rate its max (resets). */
export const FIELDS_FOR: Record<Aggregation, readonly BucketField[]> = {
  avg: ['sum', 'count'],
  min: ['min'],
  max: ['max'],
  sum: ['sum'],
  count: ['count'],
  last: ['last', 'lt'],
  rate: ['sum', 'max', 'last', 'lt'],
};
