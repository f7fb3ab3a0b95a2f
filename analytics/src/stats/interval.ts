/**
 * The typical sampling interval of ascending `timestamps`: the median of the
 * positive differences between consecutive timestamps (duplicates ignored),
 * robust to gaps and jitter. NaN when there are fewer than two distinct
 * timestamps. O(n log n).
 */
export function typicalInterval(timestamps: ArrayLike<number>): number {
  const diffs: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const d = (timestamps[i] as number) - (timestamps[i - 1] as number);
    if (d > 0) diffs.push(d);
  }
  if (diffs.length === 0) return Number.NaN;
  diffs.sort((a, b) => a - b);
  const mid = diffs.length >> 1;
  return diffs.length % 2 === 1 ? (diffs[mid] as number) : ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2;
}
