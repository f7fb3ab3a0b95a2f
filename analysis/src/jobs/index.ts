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
export { forEachShardedSeriesPage, type SeriesPageOptions } from './series-pages.ts';
export {
  monitorKey,
  monitorRef,
  detectorOptions,
  selectorMatchers as monitorMatchers,
  notifierTargets,
  type MonitorRef,
} from './monitor.ts';
export {
  JobScheduler,
  SCHEDULE_TIME_ZONE,
  schedulePeriodMs,
  type ScheduledJob,
  type SchedulerOptions,
} from './scheduler.ts';
export {
  runForecastJob,
  scheduledForecastJob,
  DEFAULT_FORECAST_PAGE_SIZE,
  DEFAULT_INLINE_MAX_SERIES,
  type ForecastJobOptions,
  type ForecastJobReport,
} from './forecast.ts';
export { FORECAST_ALERT_KIND, thresholdIdentity } from './forecast-alerts.ts';
export {
  runInline,
  forecastTask,
  type ForecastRunner,
  type ForecastTask,
  type ForecastOutcome,
} from '../forecast/runner.ts';
export { chooseGrid, type ForecastGrid } from '../forecast/grid.ts';
export { timedPass, JOB_DURATION_METRIC, JOB_DURATION_BUCKETS, type JobKind } from './duration.ts';
