/** Shared set-up for the storage suites: a fresh migrated database per suite. */
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll } from 'vitest';
import { Database, migrate, type MetricDescriptor, type SeriesRef } from '@hydra/storage';
import { openTestDatabase, type TestBackend, type TestDatabase } from '@hydra/storage/testing';

export interface MigratedDatabase {
  test: TestDatabase;
  db: Database;
  close(): Promise<void>;
}

export async function openMigrated(
  backend: TestBackend,
  options: { retentionDays?: number } = {},
): Promise<MigratedDatabase> {
  const test = await openTestDatabase(backend, { migrated: true });
  const db = await Database.connect({ url: test.url, mode: test.mode, poolSize: 4, ...options });
  await migrate(db);
  return {
    test,
    db,
    async close() {
      await db.close();
      await test.close();
    },
  };
}

export function gauge(name: string): MetricDescriptor {
  return { name, kind: 'gauge', unit: '1', temporality: 'unspecified', monotonic: false };
}

export function counter(name: string, temporality: 'cumulative' | 'delta' = 'cumulative'): MetricDescriptor {
  return { name, kind: 'sum', unit: '1', temporality, monotonic: true };
}

export function ref(metric: MetricDescriptor, labels: Record<string, string>): SeriesRef {
  return { metric, labels };
}

/** µs timestamp of an ISO time. */
export function us(iso: string): number {
  return Date.parse(iso) * 1000;
}

/** A reader that exports nothing: the test pulls the metrics with `collect()`. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A real SDK MeterProvider installed globally for the calling test file, as the hydra commands install theirs, so
 * storage's self-metrics can be read with the returned reader's `collect()`. Installed in beforeAll and removed in
 * afterAll: the next file in the same worker process installs its own.
 */
export function useGlobalMeterProvider(): MetricReader {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  beforeAll(() => {
    metrics.setGlobalMeterProvider(provider);
  });
  afterAll(async () => {
    metrics.disable();
    await provider.shutdown();
  });
  return reader;
}
