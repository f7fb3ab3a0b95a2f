/**
 * GET /monitors: every monitor the API knows of, with what it does and its last runs. A monitor is known
 * from three places, merged by its key (`namespace/name`):
 * - `config`: the monitors this process was given (hydra.yaml under `hydra up`), with their spec;
 * - `jobs`: a pass of its anomaly or forecast job recorded its outcome (analysis_job_status) — how the API
 *   learns of HydraMonitor resources, whose CronJob pods run the passes, in Kubernetes;
 * - `alerts`: it raised an alert (the alert table).
 * So a monitor shows before it ever alerted, and one whose resource was deleted stays visible through
 * its history.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import type { HydraMonitorSpec } from '@hydra/schema';
import { alertActivityByMonitor, readJobStatuses, type JobStatus, type MonitorAlertActivity } from '@hydra/storage';
import {
  errorResponses,
  MonitorJobBody,
  MonitorListBody,
  MonitorSpecSummary,
  success,
  type MonitorWire,
} from '@hydra/contract';

/** A monitor this process was configured with (the jobs' MonitorRef is one). */
export interface ConfiguredMonitor {
  name: string;
  namespace: string;
  spec: HydraMonitorSpec;
}

export interface MonitorRoutesOptions {
  /** monitors this process was configured with (hydra.yaml); others are learned from the database */
  monitors: readonly ConfiguredMonitor[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function specSummary(m: ConfiguredMonitor): Static<typeof MonitorSpecSummary> {
  const { spec } = m;
  return {
    metric: spec.selector.metric,
    matchers: spec.selector.matchers.map((x) => `${x.name}${x.op}${JSON.stringify(x.value)}`),
    anomaly: spec.anomaly.enabled
      ? { detector: spec.anomaly.detector, schedule: spec.anomaly.schedule, sensitivity: spec.anomaly.sensitivity }
      : null,
    forecast: spec.forecast.enabled
      ? {
          model: spec.forecast.model,
          schedule: spec.forecast.schedule,
          horizon: spec.forecast.horizon,
          thresholds: spec.forecast.thresholds.map((t) => ({
            value: t.value,
            direction: t.direction,
            severity: t.severity,
          })),
        }
      : null,
    severity: spec.alerting.severity,
    for: spec.alerting.for,
    paused: spec.paused,
  };
}

function jobBody(s: JobStatus): Static<typeof MonitorJobBody> {
  return {
    kind: s.kind,
    lastRunAt: new Date(s.updatedAt).toISOString(),
    lastOutcome: s.consecutiveFailures > 0 ? 'failure' : 'success',
    lastSuccessAt: iso(s.lastSuccessAt),
    lastFailureAt: iso(s.lastFailureAt),
    lastError: s.lastError,
    note: s.lastNote,
    consecutiveFailures: s.consecutiveFailures,
    lastDurationSeconds: s.lastDurationSeconds,
  };
}

/** The monitors of config, job statuses and alert activity merged by key, ordered by key. */
export function mergeMonitors(
  configured: readonly ConfiguredMonitor[],
  statuses: readonly JobStatus[],
  activity: readonly MonitorAlertActivity[],
): MonitorWire[] {
  const byKey = new Map<string, MonitorWire>();
  const entry = (key: string): MonitorWire => {
    let m = byKey.get(key);
    if (!m) {
      const slash = key.indexOf('/');
      m = {
        key,
        name: slash < 0 ? key : key.slice(slash + 1),
        namespace: slash < 0 ? '' : key.slice(0, slash),
        sources: [],
        spec: null,
        jobs: [],
        alerts: { open: 0, firing: 0, worstFiring: null, total: 0, lastStartedAt: null },
      };
      byKey.set(key, m);
    }
    return m;
  };
  for (const c of configured) {
    const m = entry(`${c.namespace}/${c.name}`);
    m.sources.push('config');
    m.spec = specSummary(c);
  }
  for (const s of statuses) {
    const m = entry(s.monitor);
    if (!m.sources.includes('jobs')) m.sources.push('jobs');
    m.jobs.push(jobBody(s));
  }
  for (const a of activity) {
    const m = entry(a.monitor);
    m.sources.push('alerts');
    m.alerts = {
      open: a.open,
      firing: a.firing,
      worstFiring: a.worstFiring,
      total: a.total,
      lastStartedAt: iso(a.lastStartedAt),
    };
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

const monitorRoutes: FastifyPluginAsyncTypebox<MonitorRoutesOptions> = async (app, { monitors }) => {
  app.get(
    '/monitors',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Every monitor: from the configuration, from recorded job runs and from alerts, with its last runs',
        response: {
          200: success('Monitors ordered by key', MonitorListBody),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async () => {
      const [statuses, activity] = await Promise.all([readJobStatuses(app.db), alertActivityByMonitor(app.db)]);
      return { monitors: mergeMonitors(monitors, statuses, activity) };
    },
  );
};

export default monitorRoutes;
