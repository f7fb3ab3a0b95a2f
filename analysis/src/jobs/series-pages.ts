/**
 * The skeleton both analysis passes share: page through a monitor's series (its selector → findSeries, in id
 * order), keep those of this shard, hand each page to the pass.
 */
import { findSeries, type Database, type SeriesInfo } from '@hydra/storage';
import type { HydraMonitorSpec } from '@hydra/schema';
import { selectorMatchers } from './monitor.ts';
import { shardOf, type Shard } from './shard.ts';

export interface SeriesPageOptions {
  shard: Shard;
  pageSize: number;
  signal?: AbortSignal;
}

/**
 * Calls `onPage` with the series of each page of `spec`'s selector that fall in `shard` (possibly none), one page
 * at a time, until a page comes back short; checks `signal` before each page.
 */
export async function forEachShardedSeriesPage(
  db: Database,
  spec: HydraMonitorSpec,
  options: SeriesPageOptions,
  onPage: (series: SeriesInfo[]) => Promise<void>,
): Promise<void> {
  const { shard, pageSize, signal } = options;
  const matchers = selectorMatchers(spec);
  for (let offset = 0; ; offset += pageSize) {
    signal?.throwIfAborted();
    const page = await findSeries(db, { name: spec.selector.metric, matchers, limit: pageSize, offset });
    await onPage(page.filter((s) => shardOf(s.id, shard.count) === shard.index));
    if (page.length < pageSize) return;
  }
}
