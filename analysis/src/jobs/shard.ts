/**
 * Sharding of a monitor's series across job instances (`--shard i/n`): a
 * series belongs to shard `hash(id) mod n`, with a hash that is stable across
 * processes and releases (the first 32 bits of sha256 of the decimal id), so
 * each series is always scored by the same shard and never by two.
 */
import { createHash } from 'node:crypto';

/** Largest shard count accepted. */
export const MAX_SHARDS = 1_024;

export interface Shard {
  /** 0-based */
  index: number;
  count: number;
}

/** The whole monitor in one shard. */
export const ALL_SERIES: Shard = Object.freeze({ index: 0, count: 1 });

/**
 * Parses `i/n` (0 ≤ i < n ≤ 1024).
 * @throws RangeError naming the flag and the reason
 */
export function parseShard(text: string, flag = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new RangeError(`${flag}: '${text}' is not of the form i/n (e.g. 0/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw new RangeError(`${flag}: n must be from 1 to ${MAX_SHARDS}, got ${count}`);
  if (index >= count) throw new RangeError(`${flag}: i must be below n (${count}), got ${index}`);
  return { index, count };
}

/** The shard a series id belongs to among `count`. */
export function shardOf(seriesId: number, count: number): number {
  return createHash('sha256').update(String(seriesId)).digest().readUInt32BE(0) % count;
}
