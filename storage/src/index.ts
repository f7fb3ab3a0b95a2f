/**
 * @hydra/storage: schema and migrations (plain PostgreSQL and TimescaleDB),
 * the series registry, the batched writer, maintenance (partitions, retention,
 * rollups) and range queries. Test helpers live in '@hydra/storage/testing'.
 */
export * from './types.ts';
export { expHistogramProblem, histogramProblem, MAX_COUNT_EXCLUSIVE } from './point-ranges.ts';
export * from './errors.ts';
export {
  withTransaction,
  query,
  type Queryable,
  type TransactionOptions,
  type TransactionTarget,
} from './transaction.ts';
export { startEmbeddedPostgres, freePort, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.ts';
export { lockDataDir, lockFileOf, DataDirLockedError, type DataDirLock, type LockHolder } from './data-dir-lock.ts';
export {
  Database,
  DEFAULT_POOL_SIZE,
  DEFAULT_READ_POOL_SIZE,
  DEFAULT_READ_STATEMENT_TIMEOUT_MS,
  EMBEDDED_POOL_SIZE,
  type DatabaseOptions,
} from './database.ts';
export { migrate, migrationStatus, loadMigrations, MIGRATIONS_DIR, type Migration } from './migrate.ts';
export {
  SeriesRegistry,
  canonicalLabels,
  labelsHash,
  metricIdentityKey,
  DEFAULT_SERIES_CACHE_SIZE,
  type SeriesRejection,
  type SeriesRegistryOptions,
} from './registry.ts';
export {
  BatchWriter,
  DEFAULT_BATCH_SIZE,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_QUEUED_ROWS,
  DEFAULT_WRITER_CONNECTIONS,
  type WriterOptions,
} from './writer.ts';
export {
  Maintenance,
  DEFAULT_MAINTENANCE_INTERVAL_MS,
  DEFAULT_PARTITIONS_AHEAD_DAYS,
  DEFAULT_ROLLUP_RETENTION_DAYS,
  type MaintenanceOptions,
  type MaintenanceReport,
} from './maintenance.ts';
export { PartitionManager, partitionName, PARTITIONED_TABLES } from './partitions.ts';
export {
  ROLLUP_1H,
  ROLLUP_1M,
  ROLLUP_5M,
  rollupRead,
  rollupWatermarkUs,
  refreshRollup,
  type RollupRead,
  type RollupSpec,
} from './rollups.ts';
export {
  CHUNK_INTERVAL_LADDER_HOURS,
  chunkIntervalHours,
  chunkIntervalStatements,
  retentionPolicyStatements,
  type Statement,
} from './timescale.ts';
export {
  queryRange,
  rollupForStep,
  DEFAULT_MAX_POINTS,
  DEFAULT_MAX_SERIES,
  MAX_POINTS_PER_SERIES,
  MAX_GROUP_BY_LABELS,
  type HistogramValue,
  type RangeGroup,
  type RangeSource,
  type RangeQuery,
  type RangeResult,
  type RangeSeries,
} from './query/range.ts';
export {
  findSeries,
  listMetrics,
  labelNames,
  labelValues,
  DEFAULT_FIND_SERIES_LIMIT,
  type MetricInfo,
  type SeriesInfo,
} from './query/series.ts';
export { METRIC_NAME_LABEL, validateMatchers } from './query/matchers.ts';
export { matcherRegexProblem, matchesRe2, re2Problem, postgresRegex, type PostgresRegex } from './query/regex.ts';
export * from './analysis/index.ts';
export * from './forecasts/index.ts';
export * from './exports/index.ts';
export {
  AdvisoryLease,
  ADVISORY_LOCK_CLASS,
  ANALYSIS_EXPORT_LEASE,
  DEFAULT_LEASE_QUERY_TIMEOUT_MS,
  type AdvisoryLeaseOptions,
} from './lease.ts';
