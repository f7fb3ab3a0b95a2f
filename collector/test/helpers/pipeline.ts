/**
 * A real ingest pipeline for the receiver suites: a fresh migrated database
 * (reached through a TCP proxy the test can cut), SeriesRegistry, BatchWriter,
 * Ingestor and the running collector on free ports.
 */
import { BatchWriter, Database, migrate, SeriesRegistry } from '@hydra/storage';
import { openTestDatabase, type TestBackend, type TestDatabase } from '@hydra/storage/testing';
import { Ingestor } from '../../src/ingestor.ts';
import { startCollector, type CollectorOptions, type RunningCollector } from '../../src/collector.ts';
import type { IngestLimits } from '../../src/limits.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
import { silentLogger } from '@hydra/logging/testing';

export interface Pipeline {
  db: Database;
  proxy: TcpProxy;
  registry: SeriesRegistry;
  writer: BatchWriter;
  ingestor: Ingestor;
  collector: RunningCollector;
  /** Another collector on the same writer with other limits. */
  withLimits(limits: Partial<IngestLimits>, options?: Partial<CollectorOptions>): Promise<RunningCollector>;
  close(): Promise<void>;
}

/** `direct` connects past the proxy (benchmarks: the proxy would share the collector's CPU). */
export async function startPipeline(
  backend: TestBackend,
  options: Partial<CollectorOptions> = {},
  direct = false,
): Promise<Pipeline> {
  const test: TestDatabase = await openTestDatabase(backend, { migrated: true });
  const target = new URL(test.url);
  const proxy = await startTcpProxy(target.hostname, Number(target.port));
  const viaProxy = new URL(test.url);
  viaProxy.port = String(proxy.port);
  const db = await Database.connect({ url: direct ? test.url : viaProxy.toString(), mode: test.mode, poolSize: 4 });
  await migrate(db);
  const registry = new SeriesRegistry(db);
  const writer = new BatchWriter(db, { flushIntervalMs: 5 });
  writer.start();
  const ingestor = new Ingestor({ registry, writer });
  const base = { host: '127.0.0.1', httpPort: 0, grpcPort: 0, logger: silentLogger() };
  const collector = await startCollector(ingestor, { ...base, ...options });
  const extra: RunningCollector[] = [];
  return {
    db,
    proxy,
    registry,
    writer,
    ingestor,
    collector,
    async withLimits(limits, more = {}) {
      const c = await startCollector(new Ingestor({ registry, writer }, limits), { ...base, ...more });
      extra.push(c);
      return c;
    },
    async close() {
      for (const c of [collector, ...extra]) await c.shutdown();
      await ingestor.shutdown();
      await writer.shutdown();
      await db.close();
      await proxy.close();
      await test.close();
    },
  };
}

export interface StoredSample {
  metric: string;
  kind: string;
  temporality: string;
  monotonic: boolean;
  labels: Record<string, string>;
  timeUs: number;
  value: number;
}

/** Every stored sample of `metric` (exact µs times), ordered by labels then time. */
export async function storedSamples(db: Database, metric: string): Promise<StoredSample[]> {
  const { rows } = await db.pool.query(
    `SELECT m.name AS metric, m.kind, m.temporality, m.monotonic, s.labels,
            (EXTRACT(EPOCH FROM x.time) * 1000000)::bigint::text AS time_us, x.value
       FROM samples x JOIN series s ON s.id = x.series_id JOIN metric m ON m.id = s.metric_id
      WHERE m.name = $1 ORDER BY s.labels::text, x.time`,
    [metric],
  );
  return rows.map((r) => ({
    metric: r.metric,
    kind: r.kind,
    temporality: r.temporality,
    monotonic: r.monotonic,
    labels: r.labels,
    timeUs: Number(r.time_us),
    value: Number(r.value),
  }));
}

/** Every stored histogram point of `metric`. */
export async function storedHistograms(db: Database, metric: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.pool.query(
    `SELECT (EXTRACT(EPOCH FROM x.time) * 1000000)::bigint::text AS time_us,
            (EXTRACT(EPOCH FROM x.start_time) * 1000000)::bigint::text AS start_us,
            x.count::text AS count, x.sum, x.min, x.max, x.bounds, x.bucket_counts::text[] AS bucket_counts
       FROM histogram_samples x JOIN series s ON s.id = x.series_id JOIN metric m ON m.id = s.metric_id
      WHERE m.name = $1 ORDER BY x.time`,
    [metric],
  );
  return rows.map((r) => ({
    timeUs: Number(r.time_us),
    startTimeUs: r.start_us === null ? null : Number(r.start_us),
    count: Number(r.count),
    sum: r.sum,
    min: r.min,
    max: r.max,
    bounds: r.bounds,
    bucketCounts: (r.bucket_counts as string[]).map(Number),
  }));
}

/** Every stored exponential histogram point of `metric`. */
export async function storedExpHistograms(db: Database, metric: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await db.pool.query(
    `SELECT (EXTRACT(EPOCH FROM x.time) * 1000000)::bigint::text AS time_us, x.count::text AS count, x.sum, x.min, x.max,
            x.scale, x.zero_count::text AS zero_count, x.zero_threshold, x.positive_offset,
            x.positive_counts::text[] AS positive_counts, x.negative_offset, x.negative_counts::text[] AS negative_counts
       FROM exp_histogram_samples x JOIN series s ON s.id = x.series_id JOIN metric m ON m.id = s.metric_id
      WHERE m.name = $1 ORDER BY x.time`,
    [metric],
  );
  return rows.map((r) => ({
    timeUs: Number(r.time_us),
    count: Number(r.count),
    sum: r.sum,
    min: r.min,
    max: r.max,
    scale: r.scale,
    zeroCount: Number(r.zero_count),
    zeroThreshold: r.zero_threshold,
    positiveOffset: r.positive_offset,
    positiveCounts: (r.positive_counts as string[]).map(Number),
    negativeOffset: r.negative_offset,
    negativeCounts: (r.negative_counts as string[]).map(Number),
  }));
}
