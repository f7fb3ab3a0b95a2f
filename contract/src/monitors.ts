/** Response schemas of GET /monitors: every monitor the API knows of, with what it does and its last runs. */
import { SEVERITIES } from '@hydra/schema';
import { Type, type Static } from 'typebox';
import { nullable } from './schemas.ts';

const isoTime = (description: string) => Type.String({ format: 'date-time', description });

export const MonitorJobBody = Type.Object({
  kind: Type.String({ enum: ['anomaly', 'forecast'] }),
  lastRunAt: isoTime('when the last pass ended'),
  lastOutcome: Type.String({ enum: ['success', 'failure'], description: 'outcome of the last pass' }),
  lastSuccessAt: nullable(isoTime('when the last successful pass ended')),
  lastFailureAt: nullable(isoTime('when the last failed pass ended')),
  lastError: nullable(Type.String({ description: "the last failure's message (kept after a success)" })),
  note: nullable(
    Type.String({
      description:
        'what the last successful pass says although it succeeded, e.g. series of a kind it does not analyse',
    }),
  ),
  consecutiveFailures: Type.Integer({ description: 'failed passes since the last successful one' }),
  lastDurationSeconds: Type.Number({ description: 'wall-clock seconds of the last pass' }),
});

export const MonitorSpecSummary = Type.Object(
  {
    metric: Type.String({ description: 'metric the selector picks' }),
    matchers: Type.Array(Type.String(), { description: 'label matchers, e.g. host.name=~"web-.*"' }),
    anomaly: nullable(Type.Object({ detector: Type.String(), schedule: Type.String(), sensitivity: Type.Number() })),
    forecast: nullable(
      Type.Object({
        model: Type.String(),
        schedule: Type.String(),
        horizon: Type.String(),
        thresholds: Type.Array(
          Type.Object({ value: Type.Number(), direction: Type.String(), severity: Type.String() }),
        ),
      }),
    ),
    severity: Type.String({ description: 'severity of its anomaly alerts' }),
    for: Type.String({ description: 'how long a condition holds before its alert fires' }),
    paused: Type.Boolean(),
  },
  { description: 'what the monitor does (null when the API was not given its spec)' },
);

export const MonitorBody = Type.Object({
  key: Type.String({ description: 'namespace/name' }),
  name: Type.String(),
  namespace: Type.String(),
  sources: Type.Array(Type.String({ enum: ['config', 'jobs', 'alerts'] }), {
    description: 'where the API learned of it: its configuration, recorded job runs, its alerts',
  }),
  spec: nullable(MonitorSpecSummary),
  jobs: Type.Array(MonitorJobBody, { description: 'the last runs of its jobs, one per kind that has run' }),
  alerts: Type.Object({
    open: Type.Integer({ description: 'pending or firing' }),
    firing: Type.Integer(),
    worstFiring: nullable(Type.String({ enum: [...SEVERITIES] })),
    total: Type.Integer({ description: 'every alert it raised' }),
    lastStartedAt: nullable(isoTime('when its newest alert started')),
  }),
});

export const MonitorListBody = Type.Object({ monitors: Type.Array(MonitorBody) });
export type MonitorWire = Static<typeof MonitorBody>;
