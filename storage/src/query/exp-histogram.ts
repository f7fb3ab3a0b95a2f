/**
 * Exponential histogram → explicit bounds, so range queries return one
 * histogram shape. OTLP base-2 exponential buckets: base = 2^(2^-scale);
 * positive bucket at index i covers (base^i, base^(i+1)], negative bucket at
 * index i covers [-base^(i+1), -base^i), the zero bucket [-zeroThreshold,
 * zeroThreshold]. Explicit bucket j covers (bounds[j-1], bounds[j]]; the
 * first is open below and the last open above. Boundary points keep their
 * bucket up to the inclusive/exclusive edge, which the explicit form cannot
 * express for negative buckets. O(buckets).
 */

export interface ExpBuckets {
  scale: number;
  zeroCount: number;
  zeroThreshold: number;
  positiveOffset: number;
  positiveCounts: readonly number[];
  negativeOffset: number;
  negativeCounts: readonly number[];
}

export function expToExplicit(h: ExpBuckets): { bounds: number[]; bucketCounts: number[] } {
  const bound = (index: number): number => 2 ** (index / 2 ** h.scale);
  const bounds: number[] = [];
  const counts: number[] = [];
  const push = (upper: number, count: number): void => {
    const last = bounds.length - 1;
    if (last >= 0 && upper <= (bounds[last] as number)) counts[last] = (counts[last] as number) + count;
    else {
      bounds.push(upper);
      counts.push(count);
    }
  };
  const neg = h.negativeCounts;
  if (neg.length > 0) {
    push(-bound(h.negativeOffset + neg.length), 0);
    for (let k = neg.length - 1; k >= 0; k--) push(-bound(h.negativeOffset + k), neg[k] as number);
    if (h.zeroThreshold > 0) push(-h.zeroThreshold, 0);
  }
  push(h.zeroThreshold, h.zeroCount);
  const pos = h.positiveCounts;
  if (pos.length > 0) {
    push(bound(h.positiveOffset), 0);
    for (let k = 0; k < pos.length; k++) push(bound(h.positiveOffset + k + 1), pos[k] as number);
  }
  counts.push(0);
  return { bounds, bucketCounts: counts };
}
