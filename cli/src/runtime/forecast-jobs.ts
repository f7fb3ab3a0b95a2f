/**
 * The forecast side of `hydra up` and `hydra job forecast`: the monitors'
 * forecast jobs (the same `runForecastJob` the Kubernetes CronJob runs) with
 * pages of more than a few series forecast on the worker-thread pool, so fits
 * run off the event loop and on every core.
 */
import {
  scheduledForecastJob,
  type AlertService,
  type ForecastJobReport,
  type ForecastRunner,
  type MonitorRef,
} from '@hydra/analysis';
import type { Database } from '@hydra/storage';
import { ForecastPool } from '../forecast-pool.ts';
import { passLogger, type Logger } from '../log.ts';

/** A ForecastRunner on `pool`'s worker threads (kept between batches). */
export function poolRunner(pool: ForecastPool = processForecastPool()): ForecastRunner {
  return async (tasks, signal) => {
    signal?.throwIfAborted();
    const results = await pool.run(tasks.map((t, index) => ({ index, ...t })));
    return results.map((r) =>
      r.result ? { result: r.result } : { error: r.error ?? 'the worker returned no result' },
    );
  };
}

let processPool: ForecastPool | undefined;

/**
 * The process's forecast pool: the scheduled forecast jobs and the API's predictions share it. Made on first
 * use; its workers start when work comes and stay (idle ones do not keep the process alive).
 */
export function processForecastPool(): ForecastPool {
  processPool ??= new ForecastPool();
  return processPool;
}

/** Terminates the process's pool's workers (shutdown); a later use makes a new pool. */
export async function closeProcessForecastPool(): Promise<void> {
  const pool = processPool;
  processPool = undefined;
  await pool?.close();
}

/** The fields of a pass's log line (on a passLogger, which adds monitor and kind): the results. */
export function forecastPassFields(r: ForecastJobReport): Record<string, unknown> {
  return {
    shard: r.shard,
    series: r.series,
    seriesForecast: r.forecast,
    seriesSkipped: r.skipped,
    seriesFailed: r.failed,
    fallbacks: r.fallbacks,
    models: r.models,
    alertsRaised: r.raised,
    alertsResolved: r.resolved,
    alertsFiring: r.firing,
    durationMs: r.durationMs,
  };
}

/** One line about a pass, for the log. */
export function describeForecastReport(r: ForecastJobReport): string {
  const models = Object.entries(r.models)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ');
  return (
    `forecast ${r.monitor} [${r.shard}]: ${r.forecast}/${r.series} series forecast (${models || 'none'}), ` +
    `${r.skipped} skipped, ${r.failed} failed, ${r.fallbacks} fallback(s); ${r.raised} threshold alert(s) raised, ` +
    `${r.resolved} resolved, ${r.firing} firing (${r.durationMs} ms)` +
    (r.skippedReasons.length > 0 ? `; e.g. ${r.skippedReasons[0]}` : '')
  );
}

/** The scheduled forecast jobs of `monitors` (those with forecasting enabled), logging each pass. */
export function forecastJobs(
  db: Database,
  alerts: AlertService,
  monitors: readonly MonitorRef[],
  log: Logger,
): Array<ReturnType<typeof scheduledForecastJob>> {
  const runner = poolRunner(processForecastPool());
  return monitors
    .filter((m) => m.spec.forecast.enabled)
    .map((monitor) => {
      const passLog = passLogger(log, monitor, 'forecast');
      return scheduledForecastJob({
        db,
        alerts,
        monitor,
        runner,
        logger: passLog,
        onReport: (report) => passLog.info(forecastPassFields(report), describeForecastReport(report)),
      });
    });
}
