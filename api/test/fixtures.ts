/**
 * A real database with known data for the route tests: migrated, written
 * through the storage SeriesRegistry and BatchWriter like the collector does.
 */
import { BatchWriter, Database, migrate, SeriesRegistry } from '@hydra/storage';
import type { SeriesRef } from '@hydra/storage';
import { openTestDatabase } from '@hydra/storage/testing';
import type { TestBackend, TestDatabase } from '@hydra/storage/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../src/index.ts';

export const HS256_SECRET = 'route-test-secret-that-is-32-bytes-or-more';
export const INGEST_TOKEN = 'route-test-ingest-token';

/** Points every 10 s over the 30 minutes before `now`. */
export const POINT_INTERVAL_MS = 10_000;
export const POINTS_PER_SERIES = 180;

export const CPU: SeriesRef['metric'] = {
  name: 'system.cpu.utilization',
  kind: 'gauge',
  unit: '1',
  temporality: 'unspecified',
  monotonic: false,
};

export const LATENCY: SeriesRef['metric'] = {
  name: 'http.server.request.duration',
  kind: 'histogram',
  unit: 'ms',
  temporality: 'cumulative',
  monotonic: false,
};
export const TEMPERATURE: SeriesRef['metric'] = {
  name: 'sensor.temperature',
  kind: 'gauge',
  unit: 'Cel',
  temporality: 'unspecified',
  monotonic: false,
};
/** Gauge values OTLP allows and JSON cannot carry. */
export const TEMPERATURE_VALUES = [20.5, Number.NaN, Number.POSITIVE_INFINITY];
export const LATENCY_BOUNDS = [5, 10, 25];
/** Per point i: bucket counts (cumulative temporality, so they grow). */
export const latencyBuckets = (i: number) => [i + 1, 2 * i + 1, i, 1];

export interface Fixture {
  test: TestDatabase;
  db: Database;
  registry: SeriesRegistry;
  writer: BatchWriter;
  /** ms; the newest point is at now - POINT_INTERVAL_MS, aligned to the interval */
  now: number;
  /** value of the point i of host `h` */
  value(host: string, i: number): number;
  close(): Promise<void>;
}

export const HOSTS = ['web-1', 'web-2'] as const;

/** A migrated database holding two cpu series (web-1 env=prod, web-2 env=staging). */
export async function openFixture(backend: TestBackend): Promise<Fixture> {
  const test = await openTestDatabase(backend, { migrated: true });
  const db = await Database.connect({ url: test.url, poolSize: 4 });
  await migrate(db);
  const registry = new SeriesRegistry(db);
  const writer = new BatchWriter(db);
  writer.start();

  const now = Math.floor(Date.now() / POINT_INTERVAL_MS) * POINT_INTERVAL_MS;
  const value = (host: string, i: number) => (host === 'web-1' ? 0.1 : 0.5) + i / 1000;
  const refs: SeriesRef[] = HOSTS.map((host) => ({
    metric: CPU,
    labels: { 'host.name': host, env: host === 'web-1' ? 'prod' : 'staging', 'service.name': 'shop' },
  }));
  const ids = await registry.resolve(refs);
  const samples = ids.flatMap((id, h) => {
    if (typeof id !== 'number') throw new Error(`fixture series refused: ${id.message}`);
    const host = HOSTS[h] as string;
    return Array.from({ length: POINTS_PER_SERIES }, (_, i) => ({
      seriesId: id,
      timeUs: (now - (POINTS_PER_SERIES - i) * POINT_INTERVAL_MS) * 1000,
      value: value(host, i),
    }));
  });
  const [latencyId, temperatureId] = await registry.resolve([
    { metric: LATENCY, labels: { 'host.name': 'web-1', 'http.route': '/checkout' } },
    { metric: TEMPERATURE, labels: { 'host.name': 'sensor-1' } },
  ]);
  if (typeof latencyId !== 'number' || typeof temperatureId !== 'number') throw new Error('fixture series refused');
  const recent = (i: number) => (now - (3 - i) * POINT_INTERVAL_MS) * 1000;
  samples.push(...TEMPERATURE_VALUES.map((value, i) => ({ seriesId: temperatureId, timeUs: recent(i), value })));
  const histograms = [0, 1, 2].map((i) => {
    const bucketCounts = latencyBuckets(i);
    return {
      seriesId: latencyId,
      timeUs: recent(i),
      startTimeUs: (now - 3_600_000) * 1000,
      count: bucketCounts.reduce((a, b) => a + b, 0),
      sum: 100 * (i + 1),
      min: 1,
      max: 40,
      bounds: LATENCY_BOUNDS,
      bucketCounts,
    };
  });
  await writer.write({ samples, histograms, expHistograms: [] });

  return {
    test,
    db,
    registry,
    writer,
    now,
    value,
    async close() {
      await writer.shutdown();
      await db.close();
      await test.close();
    },
  };
}

export interface TestApp {
  test: TestDatabase;
  db: Database;
  app: FastifyInstance;
  /** Closes the app, the pool and the database; safe to call after a failed open. */
  close(): Promise<void>;
}

/**
 * A test database (not migrated: `migrate(app.db)` when the test needs it), a pool of 2 on it and the app over it,
 * auth off unless `options` says otherwise.
 */
export async function openTestApp(
  backend: TestBackend = 'pglite',
  options: Partial<Omit<AppOptions, 'db'>> = {},
): Promise<TestApp> {
  const test = await openTestDatabase(backend);
  const db = await Database.connect({ url: test.url, poolSize: 2 });
  const app = await buildApp({ auth: { mode: 'off' }, ...options, db });
  return {
    test,
    db,
    app,
    async close() {
      await app.close();
      await db.close();
      await test.close();
    },
  };
}
