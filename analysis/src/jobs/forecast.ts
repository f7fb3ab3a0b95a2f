/**
 * One pass of the forecast job for one monitor (`hydra job forecast`, the
 * Kubernetes CronJob, and `hydra up`'s scheduler all run this function):
 *
 * 1. pages through the monitor's series (selector → findSeries), keeping those
 *    of this shard (the anomaly job's stable hash of the series id);
 * 2. reads each series' history window (the monitor's lookback, capped) on the
 *    grid `chooseGrid` picks, regularised, with its seasons detected;
 * 3. forecasts the page with the monitor's model (auto: chosen per series by
 *    holdout error) and level — on the caller's runner (the worker pool) when
 *    the page has more than a few series, on this thread otherwise;
 * 4. stores each forecast (replacing the series' previous one), then, per
 *    threshold, raises a `forecast_threshold` alert when the crossing (the
 *    mean or the pessimistic band edge, by severity) falls within the horizon
 *    and is not suppressed, and resolves it otherwise;
 * 5. prunes the monitor's forecasts older than the horizon (series no longer
 *    forecast).
 *
 * Safe to rerun: a forecast replaces the previous one and the AlertService
 * de-duplicates raises. Memory is bounded by one page × the history cap.
 */
import { metrics } from '@opentelemetry/api';
import type { Logger } from '@hydra/logging';
import { parseDuration } from '@hydra/schema';
import { DEFAULT_MAX_MASE } from '@hydra/analytics';
import { countFiring, pruneForecasts, writeForecasts, type Database, type StoredForecast } from '@hydra/storage';
import type { AlertService } from '../alerts/service.ts';
import { monitorLabels } from '../exports/labels.ts';
import { chooseGrid, DEFAULT_MAX_HISTORY_POINTS } from '../forecast/grid.ts';
import { readHistories, type SeriesHistory } from '../forecast/history.ts';
import { runInline, type ForecastRunner, type ForecastTask } from '../forecast/runner.ts';
import { toStoredForecast } from '../forecast/stored.ts';
import { thresholdAlert, thresholdIdentity, thresholdsWithCrossings } from './forecast-alerts.ts';
import { timedPass } from './duration.ts';
import type { MonitorRef } from './monitor.ts';
import { forEachShardedSeriesPage } from './series-pages.ts';
import { ALL_SERIES, type Shard } from './shard.ts';

/** Series read and forecast together (one range query and one runner batch per page). */
export const DEFAULT_FORECAST_PAGE_SIZE = 200;
/** Pages with more series than this go to the caller's runner (the worker pool) instead of this thread. */
export const DEFAULT_INLINE_MAX_SERIES = 4;
/** Reasons for skipped series kept in the report (the counts are complete). */
export const MAX_REPORTED_REASONS = 10;

/**
 * The pass counters, on the global meter as it is when a pass ends: the `hydra` commands install the global
 * MeterProvider after this module is loaded, so instruments made at load time would be no-ops.
 */
function passCounters() {
  const meter = metrics.getMeter('hydra');
  return {
    /** Series handled by forecast passes, by monitor and outcome (forecast, fallback, skipped, failed). */
    series: meter.createCounter('hydra.forecast.series', {
      description: 'Series handled by forecast job passes, by monitor and outcome',
    }),
    /** Threshold evaluations that raised or resolved a forecast_threshold alert. */
    thresholds: meter.createCounter('hydra.forecast.threshold_alerts', {
      description: 'forecast_threshold alerts raised (or kept raised) and resolved, by monitor and action',
    }),
  };
}

export interface ForecastJobOptions {
  db: Database;
  alerts: AlertService;
  monitor: MonitorRef;
  shard?: Shard;
  /** epoch ms of this pass; default the AlertService's clock */
  now?: number;
  pageSize?: number;
  maxHistoryPoints?: number;
  /** holdout MASE above which crossings are suppressed (default analytics' DEFAULT_MAX_MASE, 1) */
  maxMase?: number;
  /** runs pages larger than `inlineMaxSeries` off the event loop (the `hydra` command's worker pool) */
  runner?: ForecastRunner;
  inlineMaxSeries?: number;
  signal?: AbortSignal;
  /** where a failure to record the pass's outcome (analysis_job_status) is logged; default defaultLogger('analysis') */
  logger?: Logger;
}

export interface ForecastJobReport {
  monitor: string;
  shard: string;
  /** series of this shard the selector matched */
  series: number;
  /** series forecast and stored */
  forecast: number;
  /** series without a usable history (reasons in `skippedReasons`) */
  skipped: number;
  /** series whose forecast failed outright */
  failed: number;
  /** forecasts that fell back to seasonal naive after the chosen model failed its guards */
  fallbacks: number;
  /** forecasts per model */
  models: Record<string, number>;
  /** threshold evaluations that raised (or kept) a forecast_threshold alert */
  raised: number;
  /** threshold evaluations that resolved one */
  resolved: number;
  /** firing alerts of the monitor after the pass */
  firing: number;
  /** stored forecasts pruned (series no longer forecast) */
  pruned: number;
  stepSeconds: number;
  horizonSteps: number;
  skippedReasons: string[];
  durationMs: number;
}

/**
 * Runs one pass (its duration goes to `hydra.jobs.duration.seconds`, its outcome to analysis_job_status); throws StorageUnavailableError when the database
 * fails (rerun later: it is safe).
 */
export function runForecastJob(options: ForecastJobOptions): Promise<ForecastJobReport> {
  return timedPass('forecast', options.monitor, options.signal, () => forecastPass(options), {
    db: options.db,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

async function forecastPass(options: ForecastJobOptions): Promise<ForecastJobReport> {
  const started = performance.now();
  const { db, alerts, monitor } = options;
  const spec = monitor.spec;
  if (!spec.forecast.enabled) throw new RangeError(`monitor ${monitor.key}: spec.forecast.enabled is false`);
  const shard = options.shard ?? ALL_SERIES;
  const now = options.now ?? alerts.now();
  const horizonMs = parseDuration(spec.forecast.horizon, 'spec.forecast.horizon');
  const lookbackMs = parseDuration(spec.forecast.lookback, 'spec.forecast.lookback');
  const grid = chooseGrid(lookbackMs, horizonMs, {
    maxHistoryPoints: options.maxHistoryPoints ?? DEFAULT_MAX_HISTORY_POINTS,
  });
  const pageSize = options.pageSize ?? DEFAULT_FORECAST_PAGE_SIZE;
  const inlineMax = options.inlineMaxSeries ?? DEFAULT_INLINE_MAX_SERIES;
  const maxMase = options.maxMase ?? DEFAULT_MAX_MASE;
  const report: ForecastJobReport = {
    monitor: monitor.key,
    shard: `${shard.index}/${shard.count}`,
    series: 0,
    forecast: 0,
    skipped: 0,
    failed: 0,
    fallbacks: 0,
    models: {},
    raised: 0,
    resolved: 0,
    firing: 0,
    pruned: 0,
    stepSeconds: grid.stepMs / 1000,
    horizonSteps: grid.horizonSteps,
    skippedReasons: [],
    durationMs: 0,
  };
  const note = (reason: string): void => {
    if (report.skippedReasons.length < MAX_REPORTED_REASONS) report.skippedReasons.push(reason);
  };

  const paging = { shard, pageSize, ...(options.signal ? { signal: options.signal } : {}) };
  await forEachShardedSeriesPage(db, spec, paging, async (mine) => {
    report.series += mine.length;
    const histories: SeriesHistory[] = [];
    for (const outcome of await readHistories(db, mine, grid, now)) {
      if ('history' in outcome) {
        histories.push(outcome.history);
        continue;
      }
      report.skipped += 1;
      note(`series ${outcome.series.id}: ${outcome.skipped}`);
      // No usable history (e.g. it stopped reporting): nothing is predicted any more.
      for (const t of spec.forecast.thresholds) {
        const r = await alerts.resolve({ ...thresholdIdentity(monitor, outcome.series, t), time: now });
        if (r?.state === 'resolved') report.resolved += 1;
      }
    }
    const tasks: ForecastTask[] = histories.map((h) => ({
      values: h.values,
      periods: h.periods,
      intervalSeconds: h.stepMs / 1000,
      horizon: grid.horizonSteps,
      levels: [spec.forecast.level],
      model: spec.forecast.model,
    }));
    const runner = tasks.length > inlineMax && options.runner ? options.runner : runInline;
    const outcomes = tasks.length === 0 ? [] : await runner(tasks, options.signal);
    const stored: StoredForecast[] = [];
    histories.forEach((h, i) => {
      const outcome = outcomes[i];
      const result = outcome?.result;
      if (!result) {
        report.failed += 1;
        note(`series ${h.series.id}: forecast failed: ${outcome?.error ?? 'no result from the runner'}`);
        return;
      }
      const forecast = toStoredForecast(h, result, {
        monitor: monitor.key,
        createdAt: now,
        level: spec.forecast.level,
      });
      forecast.thresholds = thresholdsWithCrossings(forecast, spec.forecast.thresholds, maxMase);
      stored.push(forecast);
      report.models[result.model] = (report.models[result.model] ?? 0) + 1;
      if (result.fallback) report.fallbacks += 1;
    });
    await writeForecasts(db, stored);
    report.forecast += stored.length;
    for (const forecast of stored) {
      const series = histories.find((h) => h.series.id === forecast.seriesId)!.series;
      for (const t of spec.forecast.thresholds) {
        options.signal?.throwIfAborted();
        const decision = thresholdAlert({ monitor, series, forecast, threshold: t, now, horizonMs, maxMase });
        if (decision.action === 'raise') {
          await alerts.raise(decision.input);
          report.raised += 1;
        } else if (decision.action === 'resolve') {
          const r = await alerts.resolve({ ...decision.identity, time: now });
          if (r?.state === 'resolved') report.resolved += 1;
        }
      }
    }
  });
  report.pruned = await pruneForecasts(db, monitor.key, now - horizonMs);
  const attrs = monitorLabels(monitor.key);
  const { series: seriesCounter, thresholds: thresholdCounter } = passCounters();
  seriesCounter.add(report.forecast - report.fallbacks, { ...attrs, outcome: 'forecast' });
  seriesCounter.add(report.fallbacks, { ...attrs, outcome: 'fallback' });
  seriesCounter.add(report.skipped, { ...attrs, outcome: 'skipped' });
  seriesCounter.add(report.failed, { ...attrs, outcome: 'failed' });
  thresholdCounter.add(report.raised, { ...attrs, action: 'raise' });
  thresholdCounter.add(report.resolved, { ...attrs, action: 'resolve' });
  report.firing = (await countFiring(db)).get(monitor.key) ?? 0;
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/**
 * The forecast job of `monitor` as a JobScheduler `ScheduledJob` (`hydra up`): named `forecast <namespace/name>`, on
 * the monitor's `spec.forecast.schedule`; each run is one `runForecastJob` pass whose report goes to `onReport`.
 */
export function scheduledForecastJob(
  options: Omit<ForecastJobOptions, 'signal' | 'now'> & { onReport?: (report: ForecastJobReport) => void },
): { name: string; schedule: string; run(signal: AbortSignal): Promise<void> } {
  const { onReport, ...jobOptions } = options;
  return {
    name: `forecast ${options.monitor.key}`,
    schedule: options.monitor.spec.forecast.schedule,
    async run(signal) {
      const report = await runForecastJob({ ...jobOptions, signal });
      onReport?.(report);
    },
  };
}
