/** The anomaly and forecast CronJobs: one `hydra job anomaly|forecast --monitor <ns>/<name>` pass per schedule. */
import type { V1CronJob, V1EnvVar } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import {
  COMPONENT_ANOMALY,
  COMPONENT_FORECAST,
  ENV_EXTERNAL_URL,
  ENV_MONITOR_SPEC,
  ENV_SECRET_PREFIX,
} from '../constants.ts';
import { databaseEnv, imageOf, type BuildOptions } from './deployment.ts';
import { anomalyJobName, childLabels, childMeta, forecastJobName } from './meta.ts';
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from './pod-security.ts';

/** A run that has not started this long after its scheduled time is skipped, not run late. */
export const STARTING_DEADLINE_SECONDS = 300;
/** Longest one pass may run before the Job is failed. */
export const ACTIVE_DEADLINE_SECONDS = 3600;
/** Retries of a failed pass within one schedule slot. */
export const BACKOFF_LIMIT = 2;
/** Finished Jobs are deleted after this long. */
export const TTL_SECONDS_AFTER_FINISHED = 3600;
export const SUCCESSFUL_JOBS_HISTORY = 1;
export const FAILED_JOBS_HISTORY = 3;
export const JOB_RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } };

export type JobKind = 'anomaly' | 'forecast';

/**
 * One variable per webhook `secretRef`, from its Secret: the job delivers the
 * notifications it raises and signs them with these. `optional`: a missing Secret leaves only those
 * webhooks undeliverable (the dispatcher says which), not the whole pass unable to start.
 */
export function webhookSecretEnv(monitor: HydraMonitor): V1EnvVar[] {
  const env = new Map<string, V1EnvVar>();
  for (const w of monitor.spec.alerting.webhooks) {
    if (!w.secretRef) continue;
    const { name, key } = w.secretRef;
    const variable = `${ENV_SECRET_PREFIX}${`${name}/${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    env.set(variable, { name: variable, valueFrom: { secretKeyRef: { name, key, optional: true } } });
  }
  return [...env.values()];
}

function buildJob(monitor: HydraMonitor, options: BuildOptions, kind: JobKind): V1CronJob {
  const component = kind === 'anomaly' ? COMPONENT_ANOMALY : COMPONENT_FORECAST;
  const name = kind === 'anomaly' ? anomalyJobName(monitor) : forecastJobName(monitor);
  const schedule = kind === 'anomaly' ? monitor.spec.anomaly.schedule : monitor.spec.forecast.schedule;
  const target = `${monitor.metadata.namespace}/${monitor.metadata.name}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: childMeta(monitor, name, component),
    spec: {
      schedule,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: SUCCESSFUL_JOBS_HISTORY,
      failedJobsHistoryLimit: FAILED_JOBS_HISTORY,
      jobTemplate: {
        metadata: { labels: childLabels(monitor, component) },
        spec: {
          backoffLimit: BACKOFF_LIMIT,
          activeDeadlineSeconds: ACTIVE_DEADLINE_SECONDS,
          ttlSecondsAfterFinished: TTL_SECONDS_AFTER_FINISHED,
          template: {
            metadata: { labels: childLabels(monitor, component) },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              securityContext: POD_SECURITY_CONTEXT,
              containers: [
                {
                  name: kind,
                  image: imageOf(monitor, options),
                  imagePullPolicy: monitor.spec.collector.imagePullPolicy,
                  command: ['hydra'],
                  args: ['job', kind, '--monitor', target],
                  env: [
                    databaseEnv(monitor),
                    { name: ENV_MONITOR_SPEC, value: JSON.stringify(monitor.spec) },
                    ...webhookSecretEnv(monitor),
                    ...(options.externalUrl ? [{ name: ENV_EXTERNAL_URL, value: options.externalUrl }] : []),
                  ],
                  resources: JOB_RESOURCES,
                  securityContext: CONTAINER_SECURITY_CONTEXT,
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: {} }],
            },
          },
        },
      },
    },
  };
}

/** The desired anomaly CronJob. */
export const buildAnomalyCronJob = (monitor: HydraMonitor, options: BuildOptions) =>
  buildJob(monitor, options, 'anomaly');
/** The desired forecast CronJob. */
export const buildForecastCronJob = (monitor: HydraMonitor, options: BuildOptions) =>
  buildJob(monitor, options, 'forecast');
