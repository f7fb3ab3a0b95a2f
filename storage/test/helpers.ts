/** Shared set-up for the storage suites: a fresh migrated database per suite. */
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
