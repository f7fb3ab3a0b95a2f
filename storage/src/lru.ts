/**
 * A bounded, approximately least-recently-used map for hot paths. Map keeps
 * insertion order, so its first key is the least recently (re)inserted and is
 * evicted once `capacity` is reached. A hit moves its entry to the young end
 * only when the entry has drifted into the older half of the map: the common
 * case, a hit on a recently inserted or refreshed entry, costs one Map lookup
 * and no write. An entry used at least once while it sits in the older half
 * is therefore never evicted before the entries that were not used.
 */
export class LruCache<K, V> {
  readonly capacity: number;
  readonly #entries = new Map<K, { value: V; stamp: number }>();
  /** Insertions and refreshes so far: an entry's stamp is its position in the map's order. */
  #tick = 0;
  readonly #youngSpan: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`LruCache capacity: must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.#youngSpan = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value, refreshing the entry's recency when it has drifted into the older half. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#tick - entry.stamp >= this.#youngSpan) {
      this.#entries.delete(key);
      entry.stamp = ++this.#tick;
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Inserts or replaces; evicts the least recently refreshed entry when full. */
  set(key: K, value: V): void {
    if (this.#entries.has(key)) this.#entries.delete(key);
    else if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, stamp: ++this.#tick });
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
