/**
 * The writer's self-metrics, read through a real OpenTelemetry SDK
 * MeterProvider installed as the global one (as the hydra commands do).
 */
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriter, QueueFullError, SeriesRegistry } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { gauge, openMigrated, ref, us, type MigratedDatabase } from './helpers.ts';

class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const reader = new PullReader();
const provider = new MeterProvider({ readers: [reader] });
metrics.setGlobalMeterProvider(provider);

/** Sum of a metric's data points whose attributes include `attrs`. */
function total(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number {
  let sum = 0;
  for (const scope of rm.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (!Object.entries(attrs).every(([k, v]) => point.attributes[k] === v)) continue;
        const value = point.value as number | { count: number };
        sum += typeof value === 'number' ? value : value.count;
      }
    }
  }
  return sum;
}

describe.each(testBackends())('BatchWriter self-metrics on %s', (backend) => {
  let m: MigratedDatabase;
  let id: number;
  beforeAll(async () => {
    m = await openMigrated(backend);
    id = ((await new SeriesRegistry(m.db).resolve([ref(gauge('metrics.w'), {})])) as number[])[0]!;
  });
  afterAll(async () => m?.close());

  it('counts rows, batches (fewer than writes: group commit), latency, refusals and queue depth', async () => {
    const before = (await reader.collect()).resourceMetrics;
    const writer = new BatchWriter(m.db, { connections: 1, maxQueuedRows: 20_000 });
    writer.start();
    const base = us('2026-11-26T16:00:00Z');
    const writes = Array.from({ length: 200 }, (_, w) =>
      writer.write({
        samples: Array.from({ length: 100 }, (_, i) => ({ seriesId: id, timeUs: base + w * 100 + i, value: i })),
        histograms: [],
        expHistograms: [],
      }),
    );
    const refused = writer.write({
      samples: [{ seriesId: id, timeUs: base, value: 0 }],
      histograms: [],
      expHistograms: [],
    });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    const during = (await reader.collect()).resourceMetrics;
    expect(total(during, 'hydra.storage.writer.queue.rows')).toBeGreaterThan(0);
    await Promise.all(writes);
    const after = (await reader.collect()).resourceMetrics;
    const delta = (name: string, attrs?: Record<string, string>) =>
      total(after, name, attrs) - total(before, name, attrs);
    expect(delta('hydra.storage.writer.rows', { table: 'samples' })).toBe(20_000);
    const batches = delta('hydra.storage.writer.batches', { outcome: 'committed' });
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThan(200);
    expect(delta('hydra.storage.writer.batch.duration')).toBe(batches);
    expect(delta('hydra.storage.writer.refused', { reason: 'queue_full' })).toBe(1);
    await writer.shutdown();
  });
});
