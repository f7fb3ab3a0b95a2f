/**
 * The status the operator writes: conditions (Ready, CollectorAvailable, JobsScheduled — each with reason,
 * message and observedGeneration; lastTransitionTime kept until the status flips), observedGeneration, the
 * collector endpoint and replica counts, the CronJobs' last runs. Pure functions of the monitor, its children
 * and the previous status.
 */
import type { V1CronJob, V1Deployment, V1Job } from '@kubernetes/client-node';
import type { Condition, HydraCollector, HydraCollectorStatus, HydraMonitor, HydraMonitorStatus } from '@hydra/schema';
import type { CollectorSource } from './resources/collector.ts';
import { collectorConfigHash } from './resources/configmap.ts';
import { labelSelectorString } from './resources/meta.ts';
import { collectorEndpoints } from './resources/service.ts';

export const CONDITION_READY = 'Ready';
export const CONDITION_COLLECTOR_AVAILABLE = 'CollectorAvailable';
export const CONDITION_JOBS_SCHEDULED = 'JobsScheduled';

type ConditionStatus = Condition['status'];
interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** The collector a monitor's data arrives through, as the operator found it. */
export interface CollectorView {
  /** `dedicated`, or the HydraCollector's namespace/name. */
  name: string;
  /** Undefined when the referenced HydraCollector does not exist (or is invalid). */
  source?: CollectorSource;
  deployment?: V1Deployment;
  /** Why there is no usable collector. */
  problem?: { reason: string; message: string };
}

/** What the operator observed for one monitor. */
export interface Observed {
  collector: CollectorView;
  anomalyJob?: V1CronJob;
  forecastJob?: V1CronJob;
  /** The Jobs (runs) of each CronJob, as cached. */
  anomalyRuns?: V1Job[];
  forecastRuns?: V1Job[];
  /** The error of the last apply, if it failed. */
  error?: Error;
}

/** The status fields the operator owns (server-side apply of exactly these to /status). */
export type OwnedStatus = Omit<HydraMonitorStatus, 'activeAlerts'>;

/** Pods the collector should have: the Deployment's count when an HPA owns it, else the spec's. */
function desiredReplicas(view: CollectorView): number {
  if (view.source?.autoscaling?.enabled) return view.deployment?.spec?.replicas ?? view.source.autoscaling.minReplicas;
  return view.source?.settings.replicas ?? 0;
}

function collectorCondition(view: CollectorView): ConditionInput {
  const type = CONDITION_COLLECTOR_AVAILABLE;
  if (view.problem) return { type, status: 'False', ...view.problem };
  const desired = desiredReplicas(view);
  const d = view.deployment;
  if (!d)
    return { type, status: 'False', reason: 'NotCreated', message: 'the collector Deployment does not exist yet' };
  if (desired === 0) return { type, status: 'True', reason: 'ScaledToZero', message: 'collector replicas is 0' };
  const s = d.status ?? {};
  const available = s.availableReplicas ?? 0;
  const updated = s.updatedReplicas ?? 0;
  const current = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  if (current && available >= desired && updated >= desired)
    return {
      type,
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: `${available}/${desired} collector pods available`,
    };
  const progressing = (s.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False')
    return {
      type,
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: progressing.message ?? 'rollout stalled',
    };
  return {
    type,
    status: 'False',
    reason: updated < desired ? 'RollingOut' : 'Unavailable',
    message: `${available}/${desired} collector pods available, ${updated} updated`,
  };
}

function jobsCondition(monitor: HydraMonitor, o: Observed): ConditionInput {
  const type = CONDITION_JOBS_SCHEDULED;
  const wanted: [string, V1CronJob | undefined, string][] = [];
  if (monitor.spec.anomaly.enabled) wanted.push(['anomaly', o.anomalyJob, monitor.spec.anomaly.schedule]);
  if (monitor.spec.forecast.enabled) wanted.push(['forecast', o.forecastJob, monitor.spec.forecast.schedule]);
  const missing = wanted.filter(([, job]) => !job).map(([name]) => name);
  if (missing.length > 0)
    return {
      type,
      status: 'False',
      reason: 'NotCreated',
      message: `CronJob(s) not created yet: ${missing.join(', ')}`,
    };
  const stale = wanted.filter(([, job, schedule]) => job!.spec?.schedule !== schedule).map(([name]) => name);
  if (stale.length > 0)
    return {
      type,
      status: 'False',
      reason: 'ScheduleOutdated',
      message: `CronJob(s) not updated yet: ${stale.join(', ')}`,
    };
  return {
    type,
    status: 'True',
    reason: 'Scheduled',
    message: wanted.map(([name, , schedule]) => `${name} '${schedule}'`).join(', '),
  };
}

function readyCondition(monitor: HydraMonitor, o: Observed, parts: ConditionInput[]): ConditionInput {
  const type = CONDITION_READY;
  if (monitor.spec.paused)
    return { type, status: 'False', reason: 'Paused', message: 'spec.paused is true: children are not reconciled' };
  if (o.error) return { type, status: 'False', reason: 'ReconcileFailed', message: o.error.message };
  const failing = parts.find((c) => c.status !== 'True');
  if (failing)
    return {
      type,
      status: 'False',
      reason: failing.type === CONDITION_COLLECTOR_AVAILABLE ? 'CollectorUnavailable' : 'JobsNotScheduled',
      message: failing.message,
    };
  return {
    type,
    status: 'True',
    reason: 'Ready',
    message: `collector ${o.collector.name} available and jobs scheduled`,
  };
}

/** Conditions with lastTransitionTime carried over from `previous` while the status is unchanged. */
export function withTransitions(
  inputs: ConditionInput[],
  previous: readonly Condition[] | undefined,
  generation: number,
  now: string,
): Condition[] {
  return inputs.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now;
    return { ...c, lastTransitionTime, observedGeneration: generation };
  });
}

type JobStatusField = NonNullable<HydraMonitorStatus['jobs']>['anomaly'];
const iso = (t: unknown) =>
  t === undefined || t === null ? undefined : t instanceof Date ? t.toISOString() : String(t);

/** The most recent of `runs` (by creation) and its outcome, from the Job's Complete/Failed condition. */
export function lastRun(runs: readonly V1Job[] | undefined): NonNullable<JobStatusField>['lastRun'] {
  const sorted = [...(runs ?? [])].sort((a, b) =>
    String(iso(a.metadata?.creationTimestamp) ?? '').localeCompare(String(iso(b.metadata?.creationTimestamp) ?? '')),
  );
  const latest = sorted[sorted.length - 1];
  if (!latest?.metadata?.name) return undefined;
  const conditions = latest.status?.conditions ?? [];
  const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
  const complete = conditions.find((c) => c.type === 'Complete' && c.status === 'True');
  const run: NonNullable<NonNullable<JobStatusField>['lastRun']> = {
    name: latest.metadata.name,
    outcome: failed ? 'Failed' : complete ? 'Succeeded' : 'Running',
  };
  const startTime = iso(latest.status?.startTime);
  const completionTime = iso(latest.status?.completionTime);
  if (startTime) run.startTime = startTime;
  if (completionTime) run.completionTime = completionTime;
  if (failed) run.message = `${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.slice(0, 1024);
  return run;
}

function jobStatus(job: V1CronJob | undefined, runs: readonly V1Job[] | undefined): JobStatusField {
  if (!job) return undefined;
  const run = lastRun(runs);
  return {
    schedule: job.spec?.schedule,
    lastScheduleTime: iso(job.status?.lastScheduleTime),
    lastSuccessfulTime: iso(job.status?.lastSuccessfulTime),
    active: job.status?.active?.length ?? 0,
    ...(run ? { lastRun: run } : {}),
  };
}

/** The status the operator owns for `monitor`, given what it observed. */
export function computeStatus(monitor: HydraMonitor, observed: Observed, now: Date): OwnedStatus {
  const generation = monitor.metadata.generation ?? 0;
  const collector = collectorCondition(observed.collector);
  const jobs = jobsCondition(monitor, observed);
  const ready = readyCondition(monitor, observed, [collector, jobs]);
  const conditions = withTransitions(
    [ready, collector, jobs],
    monitor.status?.conditions,
    generation,
    now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  );
  const anomaly = jobStatus(observed.anomalyJob, observed.anomalyRuns);
  const forecast = jobStatus(observed.forecastJob, observed.forecastRuns);
  const successes = [anomaly?.lastSuccessfulTime, forecast?.lastSuccessfulTime]
    .filter((t): t is string => t !== undefined)
    .sort();
  const status: OwnedStatus = {
    observedGeneration: generation,
    conditions,
    collector: collectorStatus(observed.collector),
    jobs: { ...(anomaly ? { anomaly } : {}), ...(forecast ? { forecast } : {}) },
  };
  if (successes.length > 0) status.lastAnalysisTime = successes[successes.length - 1];
  return status;
}

/** The endpoint and pod counts of a collector, as a monitor's and a HydraCollector's status show them. */
function collectorFields(view: CollectorView) {
  if (!view.source) return {};
  const endpoints = collectorEndpoints(view.source);
  const replicas = view.deployment?.status?.replicas ?? 0;
  const readyReplicas = view.deployment?.status?.readyReplicas ?? 0;
  return {
    endpoint: endpoints.grpc,
    httpEndpoint: endpoints.http,
    replicas,
    readyReplicas,
    ready: `${readyReplicas}/${desiredReplicas(view)}`,
    selector: labelSelectorString(view.source.selector),
    configHash: collectorConfigHash(view.source),
  };
}

function collectorStatus(view: CollectorView): NonNullable<HydraMonitorStatus['collector']> {
  return { name: view.name, ...collectorFields(view) };
}

/** The status the operator owns for a HydraCollector. */
export function computeCollectorStatus(
  collector: HydraCollector,
  view: CollectorView,
  error: Error | undefined,
  now: Date,
): HydraCollectorStatus {
  const generation = collector.metadata.generation ?? 0;
  const available = collectorCondition(view);
  const ready: ConditionInput = error
    ? { type: CONDITION_READY, status: 'False', reason: 'ReconcileFailed', message: error.message }
    : { ...available, type: CONDITION_READY };
  return {
    observedGeneration: generation,
    conditions: withTransitions(
      [ready],
      collector.status?.conditions,
      generation,
      now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ),
    ...collectorFields(view),
  };
}
