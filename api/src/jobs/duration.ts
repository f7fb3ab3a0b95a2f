/**
 * `hydra.jobs.duration` (Prometheus: `hydra_jobs_duration_{bucket,sum,count}`, seconds): the wall-clock time of
 * every anomaly and forecast pass, labelled kind (anomaly|forecast), monitor (the monitor's name),
 * monitor_namespace and outcome (success|failure). Recorded by runAnomalyJob and runForecastJob themselves, so
 * the in-process scheduler and `hydra job` both record it; a pass cut short by shutdown (its signal aborted)
 * is not recorded. On the global meter, looked up per pass: the `hydra` commands install the global
 * MeterProvider after this module is loaded.
 */
import { metrics, type Histogram, type MeterProvider } from '@opentelemetry/api';
import type { MonitorRef } from './monitor.ts';

export const JOB_DURATION_METRIC = 'hydra.jobs.duration';
/** Bucket bounds, seconds: a small monitor's pass takes well under a second, a large forecast minutes. */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export type JobKind = 'anomaly' | 'forecast';

let cached: { provider: MeterProvider; histogram: Histogram } | undefined;

function histogram(): Histogram {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) {
    const h = provider.getMeter('hydra').createHistogram(JOB_DURATION_METRIC, {
      description: 'Duration of analysis job passes in seconds, by kind, monitor and outcome',
      advice: { explicitBucketBoundaries: JOB_DURATION_BUCKETS },
    });
    cached = { provider, histogram: h };
  }
  return cached.histogram;
}

/** Runs one pass of `kind` for `monitor` and records its duration with its outcome; rethrows its error. */
export async function timedPass<T>(
  kind: JobKind,
  monitor: Pick<MonitorRef, 'name' | 'namespace'>,
  signal: AbortSignal | undefined,
  pass: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  const record = (outcome: 'success' | 'failure'): void => {
    if (signal?.aborted) return;
    histogram().record((performance.now() - started) / 1000, {
      kind,
      monitor: monitor.name,
      monitor_namespace: monitor.namespace,
      outcome,
    });
  };
  try {
    const result = await pass();
    record('success');
    return result;
  } catch (err) {
    record('failure');
    throw err;
  }
}
