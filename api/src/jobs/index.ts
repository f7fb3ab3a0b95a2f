/** Analysis jobs: the anomaly job, sharding, monitor helpers, the in-process scheduler. */
export {
  runAnomalyJob,
  DEFAULT_STEP_SECONDS,
  DEFAULT_SETTLE_MS,
  DEFAULT_MAX_HISTORY_POINTS,
  DEFAULT_ALERT_HORIZON_MS,
  type AnomalyJobOptions,
  type AnomalyJobReport,
} from './anomaly.ts';
export { DetectorCache, DEFAULT_DETECTOR_CACHE_SIZE } from './detector-cache.ts';
export { parseShard, shardOf, ALL_SERIES, MAX_SHARDS, type Shard } from './shard.ts';
export {
  monitorKey,
  monitorRef,
  durationMs,
  detectorOptions,
  selectorMatchers as monitorMatchers,
  notifierTargets,
  type MonitorRef,
} from './monitor.ts';
