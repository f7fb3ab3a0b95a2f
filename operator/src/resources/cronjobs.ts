/**
 * The anomaly and forecast CronJobs: one `hydra job anomaly|forecast --monitor <ns>/<name>` pass per schedule.
 * They run in hydra's own namespace under hydra's ServiceAccount with hydra's database Secret, whatever the
 * monitor's namespace: tenants never hold the database URL. Labelled with the monitor's namespace and name (an
 * owner reference cannot cross namespaces; the monitor's finalizer deletes them). Always the operator's image:
 * a tenant must not choose what runs next to the database credentials.
 */
import type { V1CronJob, V1EnvVar } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import {
  COMPONENT_ANOMALY,
  COMPONENT_FORECAST,
  ENV_EXTERNAL_URL,
  ENV_MONITOR_SPEC,
  ENV_SECRET_PREFIX,
} from '../constants.ts';
import type { SecretKeyRefType } from '@hydra/schema';
import { databaseEnv, type BuildOptions } from './deployment.ts';
import { anomalyJobName, forecastJobName, jobLabels } from './meta.ts';
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

/** Where the jobs of every monitor run. */
export interface JobOptions {
  /** hydra's own namespace. */
  namespace: string;
  /** hydra's ServiceAccount for the job pods (token not mounted); undefined: the namespace's default. */
  serviceAccount?: string;
  /** hydra's database Secret, in `namespace`. */
  databaseSecret: SecretKeyRefType;
}

/**
 * One variable per webhook `secretRef`, from its Secret: the job delivers the
 * notifications it raises and signs them with these. `optional`: a missing Secret leaves only those
 * webhooks undeliverable (the dispatcher says which), not the whole pass unable to start.
 */
export function webhookSecretEnv(monitor: HydraMonitor, jobs: JobOptions): V1EnvVar[] {
  // A Secret of the monitor's namespace cannot be mounted by a pod in hydra's; and reading hydra's Secrets by a
  // name a tenant chose would hand them hydra's credentials as HMAC keys. So: only monitors in hydra's namespace.
  if (monitor.metadata.namespace !== jobs.namespace) return [];
  const env = new Map<string, V1EnvVar>();
  for (const w of monitor.spec.alerting.webhooks) {
    if (!w.secretRef) continue;
    const { name, key } = w.secretRef;
    const variable = `${ENV_SECRET_PREFIX}${`${name}/${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    env.set(variable, { name: variable, valueFrom: { secretKeyRef: { name, key, optional: true } } });
  }
  return [...env.values()];
}

/** Webhooks whose secretRef the jobs cannot read (monitor outside hydra's namespace): they go unsigned/undelivered. */
export function unreadableWebhookSecrets(monitor: HydraMonitor, jobs: JobOptions): string[] {
  if (monitor.metadata.namespace === jobs.namespace) return [];
  return monitor.spec.alerting.webhooks.filter((w) => w.secretRef).map((w) => w.url);
}

function buildJob(monitor: HydraMonitor, options: BuildOptions & { jobs: JobOptions }, kind: JobKind): V1CronJob {
  const { jobs } = options;
  const component = kind === 'anomaly' ? COMPONENT_ANOMALY : COMPONENT_FORECAST;
  const name = kind === 'anomaly' ? anomalyJobName(monitor) : forecastJobName(monitor);
  const schedule = kind === 'anomaly' ? monitor.spec.anomaly.schedule : monitor.spec.forecast.schedule;
  const target = `${monitor.metadata.namespace}/${monitor.metadata.name}`;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: jobs.namespace, labels: jobLabels(monitor, component) },
    spec: {
      schedule,
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: STARTING_DEADLINE_SECONDS,
      successfulJobsHistoryLimit: SUCCESSFUL_JOBS_HISTORY,
      failedJobsHistoryLimit: FAILED_JOBS_HISTORY,
      jobTemplate: {
        metadata: { labels: jobLabels(monitor, component) },
        spec: {
          backoffLimit: BACKOFF_LIMIT,
          activeDeadlineSeconds: ACTIVE_DEADLINE_SECONDS,
          ttlSecondsAfterFinished: TTL_SECONDS_AFTER_FINISHED,
          template: {
            metadata: { labels: jobLabels(monitor, component) },
            spec: {
              restartPolicy: 'Never',
              ...(jobs.serviceAccount ? { serviceAccountName: jobs.serviceAccount } : {}),
              automountServiceAccountToken: false,
              // no Service environment variables (HYDRA_API_PORT=tcp://… from a Service named hydra-api): deployment.ts
              enableServiceLinks: false,
              securityContext: POD_SECURITY_CONTEXT,
              containers: [
                {
                  name: kind,
                  image: options.defaultImage,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['hydra'],
                  args: ['job', kind, '--monitor', target],
                  env: [
                    databaseEnv(jobs.databaseSecret),
                    { name: ENV_MONITOR_SPEC, value: JSON.stringify(monitor.spec) },
                    ...webhookSecretEnv(monitor, jobs),
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
export const buildAnomalyCronJob = (monitor: HydraMonitor, options: BuildOptions & { jobs: JobOptions }) =>
  buildJob(monitor, options, 'anomaly');
/** The desired forecast CronJob. */
export const buildForecastCronJob = (monitor: HydraMonitor, options: BuildOptions & { jobs: JobOptions }) =>
  buildJob(monitor, options, 'forecast');
