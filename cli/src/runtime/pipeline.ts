/**
 * The ingest pipeline of a command: SeriesRegistry → BatchWriter → Ingestor,
 * configured from HYDRA_* settings. `hydra up`, `hydra collector`,
 * `hydra seed` and `hydra import` all write through it.
 */
import { Ingestor } from '@hydra/collector';
import { BatchWriter, SeriesRegistry, type Database } from '@hydra/storage';
import type { HydraConfig } from '../config.ts';

const SECONDS_PER_DAY = 86_400;

export interface Pipeline {
  registry: SeriesRegistry;
  writer: BatchWriter;
  ingestor: Ingestor;
  /** Stops intake (in-flight ingests finish), then flushes the writer; within `deadlineMs`. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** Builds and starts the pipeline; throws when a limit or writer setting is invalid. */
export function createPipeline(db: Database, config: HydraConfig): Pipeline {
  const registry = new SeriesRegistry(db, { maxSeriesPerMetric: config.limits.maxSeriesPerMetric });
  const writer = new BatchWriter(db, {
    batchSize: config.writer.batchRows,
    flushIntervalMs: config.writer.flushMs,
    maxQueuedRows: config.writer.queueRows,
    connections: db.embedded ? 1 : config.writer.connections,
  });
  writer.start();
  const ingestor = new Ingestor(
    { registry, writer },
    {
      maxBodyBytes: config.limits.maxBodyBytes,
      maxAttributes: config.limits.maxAttributes,
      maxLabelLength: config.limits.maxLabelLength,
      maxSeriesPerMetric: config.limits.maxSeriesPerMetric,
      maxPointAgeSeconds: config.retentionDays * SECONDS_PER_DAY,
      maxFutureSeconds: config.limits.maxFutureSeconds,
    },
  );
  return {
    registry,
    writer,
    ingestor,
    async shutdown(deadlineMs: number) {
      const started = Date.now();
      await ingestor.shutdown(deadlineMs);
      await writer.shutdown(Math.max(0, deadlineMs - (Date.now() - started)));
    },
  };
}
