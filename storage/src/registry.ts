/**
 * SeriesRegistry: maps a series identity (metric descriptor + key-sorted
 * labels) to its numeric id. Hits come from a bounded LRU cache; the misses of
 * one resolve() call go to the database together: one INSERT … SELECT FROM
 * unnest … ON CONFLICT DO NOTHING RETURNING for the new ones, one SELECT for
 * those that already existed (or were created concurrently). Concurrent
 * resolve() calls for the same new series share one lookup, and the unique
 * (metric_id, labels_hash) constraint makes ids agree across processes.
 */
import { createHash } from 'node:crypto';
import { metrics } from '@opentelemetry/api';
import { DEFAULT_MAX_SERIES_PER_METRIC } from '@hydra/schema';
import type pg from 'pg';
import type { Database } from './database.ts';
import { classifyDatabaseError, StorageUnavailableError } from './errors.ts';
import { withTransaction } from './transaction.ts';
import { LruCache } from './lru.ts';
import type { Labels, MetricDescriptor, MetricKind, SeriesRef, Temporality } from './types.ts';

/** classid of the advisory locks that serialize series creation per metric (ASCII "hyse"); the objid is the metric id. */
export const SERIES_LIMIT_LOCK_CLASS = 0x68797365;
export const DEFAULT_SERIES_CACHE_SIZE = 100_000;
export const DEFAULT_METRIC_CACHE_SIZE = 10_000;

const METRIC_KINDS: readonly MetricKind[] = ['gauge', 'sum', 'histogram', 'exponential_histogram', 'summary'];
const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];

export interface SeriesRejection {
  rejected: 'series_limit';
  message: string;
}

export interface SeriesRegistryOptions {
  /** Series ids kept in memory (LRU). */
  cacheSize: number;
  /** New series refused per metric beyond this many (existing ones still resolve). */
  maxSeriesPerMetric: number;
  /** Metrics (id + series count) kept in memory (LRU). */
  metricCacheSize: number;
}

interface MetricEntry {
  id: number;
  /** Series of this metric known to exist: loaded from the database on first use, then counted here. */
  seriesCount: number;
}

interface Miss {
  key: string;
  metricKey: string;
  metric: MetricDescriptor;
  labelsJson: string;
  hashHex: string;
}

type Outcome = number | SeriesRejection;

/** The canonical JSON of a label set: keys sorted, so equal sets serialise equally. */
export function canonicalLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  const sorted: Labels = {};
  for (const k of keys) sorted[k] = labels[k] as string;
  return JSON.stringify(sorted);
}

/** sha256 of the canonical label JSON, hex: the `labels_hash` column. */
export function labelsHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The identifying part of a metric descriptor as a string (name, kind, unit,
 * temporality, monotonic; not the description): the prefix of every series
 * cache key, and of `SeriesRef.identityKey`s.
 */
export function metricIdentityKey(m: MetricDescriptor): string {
  return JSON.stringify([m.name, m.kind, m.unit, m.temporality, m.monotonic]);
}
const metricKeyOf = metricIdentityKey;

function validateRef(ref: SeriesRef, index: number): void {
  const m = ref.metric;
  if (typeof m?.name !== 'string' || m.name === '')
    throw new RangeError(`refs[${index}].metric.name: must be a non-empty string`);
  if (!METRIC_KINDS.includes(m.kind))
    throw new RangeError(`refs[${index}].metric.kind: '${String(m.kind)}' is not one of ${METRIC_KINDS.join(', ')}`);
  if (!TEMPORALITIES.includes(m.temporality)) {
    throw new RangeError(
      `refs[${index}].metric.temporality: '${String(m.temporality)}' is not one of ${TEMPORALITIES.join(', ')}`,
    );
  }
  if (typeof m.unit !== 'string') throw new RangeError(`refs[${index}].metric.unit: must be a string`);
  if (typeof m.monotonic !== 'boolean') throw new RangeError(`refs[${index}].metric.monotonic: must be a boolean`);
  if (typeof ref.labels !== 'object' || ref.labels === null)
    throw new RangeError(`refs[${index}].labels: must be an object`);
  for (const [key, value] of Object.entries(ref.labels)) {
    if (typeof value !== 'string')
      throw new RangeError(`refs[${index}].labels[${JSON.stringify(key)}]: must be a string, got ${typeof value}`);
  }
}

export class SeriesRegistry {
  readonly options: SeriesRegistryOptions;
  readonly #db: Database;
  readonly #series: LruCache<string, number>;
  /** Producer-computed identity keys (SeriesRef.identityKey) → id: hits skip validation and canonicalisation. */
  readonly #aliases: LruCache<string, number>;
  readonly #metrics: LruCache<string, MetricEntry>;
  /** Lookups in progress, by series key; each resolves to the outcomes of its whole batch. */
  readonly #inflight = new Map<string, Promise<Map<string, Outcome>>>();
  readonly #created = metrics
    .getMeter('hydra')
    .createCounter('hydra.storage.series.created', { description: 'Series created' });
  readonly #rejected = metrics.getMeter('hydra').createCounter('hydra.storage.series.rejected', {
    description: 'New series refused, by reason',
  });

  constructor(db: Database, options: Partial<SeriesRegistryOptions> = {}) {
    this.options = {
      cacheSize: options.cacheSize ?? DEFAULT_SERIES_CACHE_SIZE,
      maxSeriesPerMetric: options.maxSeriesPerMetric ?? DEFAULT_MAX_SERIES_PER_METRIC,
      metricCacheSize: options.metricCacheSize ?? DEFAULT_METRIC_CACHE_SIZE,
    };
    if (!Number.isInteger(this.options.maxSeriesPerMetric) || this.options.maxSeriesPerMetric < 1) {
      throw new RangeError(
        `SeriesRegistry maxSeriesPerMetric: must be a positive integer, got ${this.options.maxSeriesPerMetric}`,
      );
    }
    this.#db = db;
    this.#series = new LruCache(this.options.cacheSize);
    this.#aliases = new LruCache(this.options.cacheSize);
    this.#metrics = new LruCache(this.options.metricCacheSize);
  }

  /** Series ids held in the cache (for tests and self-metrics). */
  get cachedSeries(): number {
    return this.#series.size;
  }

  /**
   * The id of every ref, in the same order; a SeriesRejection for a new series
   * of a metric that already has maxSeriesPerMetric series. Throws RangeError
   * naming the ref on a malformed descriptor, InvalidDataError (permanent)
   * when the database refuses the labels or names themselves (e.g. U+0000),
   * StorageUnavailableError when the database cannot answer.
   */
  async resolve(refs: SeriesRef[]): Promise<Array<number | SeriesRejection>> {
    const results: Array<Outcome | undefined> = new Array(refs.length);
    const misses = new Map<string, Miss>();
    const waitFor = new Map<string, Promise<Map<string, Outcome>>>();
    const keys: string[] = new Array(refs.length);
    let aliasMisses = 0;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i] as SeriesRef;
      if (ref.identityKey !== undefined) {
        // An alias is cached only after its ref was validated and resolved: a hit needs nothing else.
        const aliased = this.#aliases.get(ref.identityKey);
        if (aliased !== undefined) {
          results[i] = aliased;
          continue;
        }
        aliasMisses++;
      }
      validateRef(ref, i);
      const metricKey = metricKeyOf(ref.metric);
      const labelsJson = canonicalLabels(ref.labels);
      const key = `${metricKey}\n${labelsJson}`;
      keys[i] = key;
      const id = this.#series.get(key);
      if (id !== undefined) {
        results[i] = id;
        if (ref.identityKey !== undefined) this.#aliases.set(ref.identityKey, id);
        continue;
      }
      const pending = this.#inflight.get(key);
      if (pending) waitFor.set(key, pending);
      else if (!misses.has(key))
        misses.set(key, { key, metricKey, metric: ref.metric, labelsJson, hashHex: labelsHash(labelsJson) });
    }
    if (misses.size === 0 && waitFor.size === 0) return results as Outcome[];
    if (misses.size > 0) {
      const lookup = this.#lookup([...misses.values()]);
      for (const key of misses.keys()) {
        this.#inflight.set(key, lookup);
        waitFor.set(key, lookup);
      }
      try {
        await lookup;
      } finally {
        for (const key of misses.keys()) if (this.#inflight.get(key) === lookup) this.#inflight.delete(key);
      }
    }
    const outcomes = new Map<string, Outcome>();
    for (const [key, promise] of waitFor) {
      const outcome = (await promise).get(key);
      if (outcome === undefined) throw new StorageUnavailableError(`series lookup returned no id for ${key}`);
      outcomes.set(key, outcome);
    }
    for (let i = 0; i < refs.length; i++) {
      if (results[i] !== undefined) continue;
      const outcome = outcomes.get(keys[i] as string);
      results[i] = outcome;
      const alias = (refs[i] as SeriesRef).identityKey;
      if (aliasMisses > 0 && alias !== undefined && typeof outcome === 'number') this.#aliases.set(alias, outcome);
    }
    return results as Outcome[];
  }

  async #lookup(misses: Miss[]): Promise<Map<string, Outcome>> {
    let client: pg.PoolClient;
    try {
      client = await this.#db.pool.connect();
    } catch (err) {
      throw new StorageUnavailableError(`series registry: cannot connect: ${(err as Error).message}`, { cause: err });
    }
    let failed: Error | undefined;
    try {
      return await this.#lookupWith(client, misses);
    } catch (err) {
      failed = err as Error;
      throw classifyDatabaseError('series registry', err);
    } finally {
      client.release(failed);
    }
  }

  async #lookupWith(client: pg.PoolClient, misses: Miss[]): Promise<Map<string, Outcome>> {
    const metricsByKey = await this.#ensureMetrics(client, misses);
    // The per-metric limit is exact across processes: the series of the misses' metrics are created under
    // one advisory lock per metric (taken in id order: no deadlock), against a count made inside that lock.
    const metricIds = [...new Set([...metricsByKey.values()].map((e) => e.id))].sort((a, b) => a - b);
    return withTransaction(client, 'series registry', async () => {
      await client.query('SELECT pg_advisory_xact_lock($1, m) FROM unnest($2::int[]) AS m', [
        SERIES_LIMIT_LOCK_CLASS,
        metricIds,
      ]);
      const counted = await client.query<{ metric_id: number; n: string }>(
        'SELECT metric_id, count(*) AS n FROM series WHERE metric_id = ANY($1::int[]) GROUP BY metric_id',
        [metricIds],
      );
      const counts = new Map(counted.rows.map((r) => [r.metric_id, Number(r.n)]));
      for (const entry of metricsByKey.values()) entry.seriesCount = counts.get(entry.id) ?? 0;
      const toInsert: Array<{ miss: Miss; metricId: number }> = [];
      const overBudget: Array<{ miss: Miss; metricId: number }> = [];
      const budget = new Map<string, number>();
      for (const miss of misses) {
        const entry = metricsByKey.get(miss.metricKey) as MetricEntry;
        const left = budget.get(miss.metricKey) ?? this.options.maxSeriesPerMetric - entry.seriesCount;
        if (left > 0) toInsert.push({ miss, metricId: entry.id });
        else overBudget.push({ miss, metricId: entry.id });
        budget.set(miss.metricKey, left - 1);
      }
      const found = new Map<string, number>(); // `${metricId}:${hashHex}` → id
      if (toInsert.length > 0) {
        const inserted = await client.query<{ id: string; metric_id: number; h: string }>(
          `INSERT INTO series (metric_id, labels, labels_hash)
           SELECT m, l::jsonb, decode(h, 'hex') FROM unnest($1::int[], $2::text[], $3::text[]) AS u(m, l, h)
           ON CONFLICT (metric_id, labels_hash) DO NOTHING
           RETURNING id, metric_id, encode(labels_hash, 'hex') AS h`,
          [
            toInsert.map((x) => x.metricId),
            toInsert.map((x) => x.miss.labelsJson),
            toInsert.map((x) => x.miss.hashHex),
          ],
        );
        const entriesById = new Map([...metricsByKey.values()].map((e) => [e.id, e]));
        for (const row of inserted.rows) {
          found.set(`${row.metric_id}:${row.h}`, Number(row.id));
          const entry = entriesById.get(row.metric_id);
          if (entry) entry.seriesCount++;
        }
        this.#created.add(inserted.rows.length);
      }
      const unresolved = [...toInsert, ...overBudget].filter((x) => !found.has(`${x.metricId}:${x.miss.hashHex}`));
      if (unresolved.length > 0) {
        const existing = await client.query<{ id: string; metric_id: number; h: string }>(
          `SELECT s.id, s.metric_id, encode(s.labels_hash, 'hex') AS h
           FROM unnest($1::int[], $2::text[]) AS u(m, h)
           JOIN series s ON s.metric_id = u.m AND s.labels_hash = decode(u.h, 'hex')`,
          [unresolved.map((x) => x.metricId), unresolved.map((x) => x.miss.hashHex)],
        );
        for (const row of existing.rows) found.set(`${row.metric_id}:${row.h}`, Number(row.id));
      }
      const outcomes = new Map<string, Outcome>();
      const refused = new Set(overBudget.map((x) => x.miss));
      for (const { miss, metricId } of [...toInsert, ...overBudget]) {
        const id = found.get(`${metricId}:${miss.hashHex}`);
        if (id !== undefined) {
          this.#series.set(miss.key, id);
          outcomes.set(miss.key, id);
        } else if (refused.has(miss)) {
          this.#rejected.add(1, { reason: 'series_limit' });
          outcomes.set(miss.key, {
            rejected: 'series_limit',
            message: `metric '${miss.metric.name}' already has ${this.options.maxSeriesPerMetric} series (the per-metric limit); new series ${miss.labelsJson} refused`,
          });
        } else {
          throw new StorageUnavailableError(
            `series ${miss.labelsJson} of metric '${miss.metric.name}' was neither inserted nor found`,
          );
        }
      }
      return outcomes;
    });
  }

  /** Metric ids and series counts for the misses' metrics, creating metrics that do not exist yet. */
  async #ensureMetrics(client: pg.PoolClient, misses: Miss[]): Promise<Map<string, MetricEntry>> {
    const result = new Map<string, MetricEntry>();
    const unknown = new Map<string, MetricDescriptor>();
    for (const miss of misses) {
      if (result.has(miss.metricKey) || unknown.has(miss.metricKey)) continue;
      const entry = this.#metrics.get(miss.metricKey);
      if (entry) result.set(miss.metricKey, entry);
      else unknown.set(miss.metricKey, miss.metric);
    }
    if (unknown.size === 0) return result;
    const descs = [...unknown.values()];
    const params = [
      descs.map((d) => d.name),
      descs.map((d) => d.kind),
      descs.map((d) => d.unit),
      descs.map((d) => d.temporality),
      descs.map((d) => d.monotonic),
      descs.map((d) => d.description ?? ''),
    ];
    await client.query(
      `INSERT INTO metric (name, kind, unit, temporality, monotonic, description)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[])
       ON CONFLICT ON CONSTRAINT metric_identity DO NOTHING`,
      params,
    );
    const rows = await client.query<{
      id: number;
      name: string;
      kind: string;
      unit: string;
      temporality: string;
      monotonic: boolean;
      n: string;
    }>(
      `SELECT m.id, m.name, m.kind, m.unit, m.temporality, m.monotonic,
              (SELECT count(*) FROM series s WHERE s.metric_id = m.id) AS n
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS u(name, kind, unit, temporality, monotonic)
       JOIN metric m USING (name, kind, unit, temporality, monotonic)`,
      params.slice(0, 5),
    );
    for (const row of rows.rows) {
      const key = JSON.stringify([row.name, row.kind, row.unit, row.temporality, row.monotonic]);
      const entry: MetricEntry = { id: row.id, seriesCount: Number(row.n) };
      this.#metrics.set(key, entry);
      result.set(key, entry);
    }
    for (const key of unknown.keys()) {
      if (!result.has(key)) throw new StorageUnavailableError(`metric ${key} was neither inserted nor found`);
    }
    return result;
  }
}
