/**
 * `hydra.jobs.duration.seconds` (Prometheus: `hydra_jobs_duration_seconds_{bucket,sum,count}`): the wall-clock time of
 * every anomaly and forecast pass, labelled kind (anomaly|forecast), monitor (the monitor's name),
 * monitor_namespace and outcome (success|failure). Recorded by runAnomalyJob and runForecastJob themselves, so
 * the in-process scheduler and `hydra job` both record it; a pass cut short by shutdown (its signal aborted)
 * is not recorded. On the global meter, looked up per pass: the `hydra` commands install the global
 * MeterProvider after this module is loaded.
 *
 * The same outcome is upserted into the database (analysis_job_status: last success, consecutive failures, last
 * duration, last error) so the API exports job health in every mode — in Kubernetes the passes run in CronJob pods
 * nobody scrapes. A failure to record it is logged as a warning and never changes the pass's own outcome.
 */
import { metrics, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { defaultLogger, type Logger } from '@hydra/logging';
import { recordJobOutcome, type Database } from '@hydra/storage';
import type { MonitorRef } from './monitor.ts';

export const JOB_DURATION_METRIC = 'hydra.jobs.duration.seconds';
/** Bucket bounds, seconds: a small monitor's pass takes well under a second, a large forecast minutes. */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export type JobKind = 'anomaly' | 'forecast';

let cached: { provider: MeterProvider; histogram: Histogram } | undefined;

function histogram(): Histogram {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) {
    const h = provider.getMeter('hydra').createHistogram(JOB_DURATION_METRIC, {
      description: 'Duration of analysis job passes in seconds, by kind, monitor and outcome',
      unit: 's',
      advice: { explicitBucketBoundaries: JOB_DURATION_BUCKETS },
    });
    cached = { provider, histogram: h };
  }
  return cached.histogram;
}

/** Where timedPass records the pass's outcome (analysis_job_status). */
export interface JobStatusTarget {
  db: Database;
  /** where a failure to record the outcome is logged; default defaultLogger('analysis') */
  logger?: Logger;
  /** epoch ms; default Date.now */
  now?: () => number;
}

/** A pass's result that has something to tell its users although it succeeded (kept as the job status' note). */
export interface NotedResult {
  note?: string;
}

/**
 * Runs one pass of `kind` for `monitor`, records its duration with its outcome (histogram) and upserts the outcome
 * into `status.db`; rethrows the pass's error. A pass whose signal was aborted (shutdown) is recorded in neither.
 */
export async function timedPass<T>(
  kind: JobKind,
  monitor: Pick<MonitorRef, 'key' | 'name' | 'namespace'>,
  signal: AbortSignal | undefined,
  pass: () => Promise<T>,
  status?: JobStatusTarget,
): Promise<T> {
  const started = performance.now();
  const record = async (outcome: 'success' | 'failure', err?: unknown, note?: string): Promise<void> => {
    if (signal?.aborted) return;
    const seconds = (performance.now() - started) / 1000;
    histogram().record(seconds, {
      kind,
      monitor: monitor.name,
      monitor_namespace: monitor.namespace,
      outcome,
    });
    if (!status) return;
    try {
      await recordJobOutcome(status.db, {
        monitor: monitor.key,
        kind,
        outcome,
        durationSeconds: seconds,
        at: (status.now ?? Date.now)(),
        ...(err === undefined ? {} : { error: err instanceof Error ? err.message : String(err) }),
        ...(note ? { note } : {}),
      });
    } catch (recordErr) {
      (status.logger ?? defaultLogger('analysis')).warn(
        { err: recordErr, kind, monitor: monitor.key, outcome },
        `${kind} job ${monitor.key}: cannot record the pass's outcome (${outcome}) in analysis_job_status`,
      );
    }
  };
  let result: T;
  try {
    result = await pass();
  } catch (err) {
    await record('failure', err);
    throw err;
  }
  // a report with a `note` (NotedResult) has it kept in the job status
  const note = typeof result === 'object' && result !== null ? (result as NotedResult).note : undefined;
  await record('success', undefined, typeof note === 'string' ? note : undefined);
  return result;
}
