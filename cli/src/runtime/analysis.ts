/**
 * The analysis side of `hydra up`: the monitors of hydra.yaml, their anomaly
 * jobs on their cron schedules (the same `runAnomalyJob` the CLI and the
 * Kubernetes CronJob run, with detectors kept in memory between runs), the
 * AlertService and the notification dispatcher.
 */
import {
  DetectorCache,
  DEFAULT_SETTLE_MS,
  JobScheduler,
  NotificationDispatcher,
  runAnomalyJob,
  type AlertService,
  type AnomalyJobReport,
  type MonitorRef,
  type ScheduledJob,
} from '@hydra/analysis';
import { ScorePartitions, type Database } from '@hydra/storage';
import { passLogger, type Logger } from '../log.ts';
import { alertServiceFor, dispatcherOptions } from '../monitors.ts';

/** A pass that scores more points than this (a backfill) is logged at info even without anomalies (else at debug). */
export const LOG_POINTS_ABOVE = 1_000;
/** When score partitions past the retention are dropped (hourly, off the minute the jobs crowd). */
export const SCORE_RETENTION_SCHEDULE = '17 * * * *';
const DAY_MS = 86_400_000;

export interface AnalysisRuntime {
  alerts: AlertService;
  scheduler: JobScheduler;
  dispatcher: NotificationDispatcher;
  /** Stops the schedules and the dispatcher, waiting for runs in progress; idempotent. */
  shutdown(deadlineMs: number): Promise<void>;
}

/** The fields of a pass's log line (on a {@link passLogger}, which adds monitor and kind): the results. */
export function anomalyPassFields(r: AnomalyJobReport): Record<string, unknown> {
  return {
    shard: r.shard,
    series: r.series,
    seriesScored: r.scored,
    seriesSkipped: r.skipped,
    seriesSkippedKinds: r.skippedKinds,
    points: r.points,
    anomalies: r.anomalies,
    alertsFiring: r.firing,
    durationMs: r.durationMs,
  };
}

/** One line about a pass, for the log. */
export function describeReport(r: AnomalyJobReport): string {
  return (
    `anomaly ${r.monitor} [${r.shard}]: ${r.scored}/${r.series} series scored, ${r.points} points, ` +
    `${r.anomalies} anomalous, ${r.firing} alert(s) firing (${r.durationMs} ms)` +
    (r.note ? `; ${r.note}` : '')
  );
}

/** The scheduled anomaly jobs of `monitors` (those with anomaly detection enabled). */
export function anomalyJobs(
  db: Database,
  alerts: AlertService,
  monitors: readonly MonitorRef[],
  log: Logger,
  cache = new DetectorCache(),
  partitions = new ScorePartitions(db),
): ScheduledJob[] {
  return monitors
    .filter((m) => m.spec.anomaly.enabled)
    .map((monitor) => ({
      name: `anomaly ${monitor.key}`,
      schedule: monitor.spec.anomaly.schedule,
      // the step that just ended gets its last exports before it is scored
      delayMs: DEFAULT_SETTLE_MS,
      async run(signal: AbortSignal) {
        const passLog = passLogger(log, monitor, 'anomaly');
        const report = await runAnomalyJob({ db, alerts, monitor, cache, partitions, signal, logger: passLog });
        // series the job cannot score are a warning: the monitor silently watches less than it selects
        const level =
          report.skipped > 0 ? 'warn' : report.anomalies > 0 || report.points > LOG_POINTS_ABOVE ? 'info' : 'debug';
        passLog[level](anomalyPassFields(report), describeReport(report));
      },
    }));
}

/** Starts the schedules and the dispatcher for `monitors`. */
export function startAnalysis(options: {
  db: Database;
  monitors: readonly MonitorRef[];
  log: Logger;
  /** where users reach the dashboard, for links from Alertmanager to an alert (see externalUrlOf) */
  externalUrl: () => string | null;
  /** more scheduled jobs that share this AlertService (e.g. the forecast jobs) */
  extraJobs?: (alerts: AlertService) => ScheduledJob[];
}): AnalysisRuntime {
  const { db, monitors, log } = options;
  const alerts = alertServiceFor(db, monitors);
  const partitions = new ScorePartitions(db);
  const retention: ScheduledJob = {
    name: 'retention anomaly-scores',
    schedule: SCORE_RETENTION_SCHEDULE,
    async run() {
      const dropped = await partitions.dropBefore(alerts.now() - db.retentionDays * DAY_MS);
      if (dropped.length > 0)
        log.info(
          { partitions: dropped },
          `anomaly scores past the ${db.retentionDays}-day retention dropped: ${dropped.join(', ')}`,
        );
    },
  };
  const scheduler = new JobScheduler({
    jobs: [
      ...anomalyJobs(db, alerts, monitors, log, new DetectorCache(), partitions),
      retention,
      ...(options.extraJobs?.(alerts) ?? []),
    ],
    logger: log,
  });
  const dispatcher = new NotificationDispatcher({
    db,
    alerts,
    ...dispatcherOptions(monitors, options.externalUrl),
    logger: log,
  });
  scheduler.start();
  dispatcher.start();
  let stopping: Promise<void> | null = null;
  return {
    alerts,
    scheduler,
    dispatcher,
    shutdown(deadlineMs) {
      stopping ??= Promise.all([scheduler.shutdown(deadlineMs), dispatcher.shutdown(deadlineMs)]).then(() => undefined);
      return stopping;
    },
  };
}
