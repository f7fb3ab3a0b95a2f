/** Response schemas of the alert and silence routes (TypeBox → JSON Schema → OpenAPI). */
import { SEVERITIES } from '@hydra/schema';
import { Type } from 'typebox';
import { nullable } from './schemas.ts';

const isoTime = (description: string) => Type.String({ format: 'date-time', description });
const labels = Type.Record(Type.String(), Type.String());
/** A string of one of `values`: the same JSON Schema as `Type.String({ enum })`, with the union as its static type. */
const oneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(Type.String({ enum: [...values] }));

export const AlertBody = Type.Object({
  id: Type.Integer(),
  fingerprint: Type.String({ description: 'hash of kind + monitor + labels; the same condition keeps it' }),
  kind: Type.String({ description: 'anomaly, forecast_threshold, …' }),
  monitor: Type.String({ description: 'namespace/name of the monitor' }),
  severity: oneOf(SEVERITIES),
  state: oneOf(['pending', 'firing', 'resolved']),
  labels,
  seriesId: nullable(Type.Integer()),
  summary: Type.String({ description: 'one line for people' }),
  explanation: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'metric, labels, observed, expected, lower, upper, score, peakScore, detector, direction, at (anomalies)',
  }),
  startsAt: isoTime('when the condition was first seen'),
  firedAt: nullable(isoTime('when it started firing')),
  resolvedAt: nullable(isoTime('when it resolved')),
  lastEvaluatedAt: isoTime('last evaluation'),
  acknowledged: nullable(
    Type.Object({ at: isoTime('when'), by: Type.String(), comment: Type.String() }, { description: 'acknowledgement' }),
  ),
  silencedBy: nullable(Type.Integer({ description: 'silence that kept it from being notified' })),
});

export const AlertEventBody = Type.Object({
  time: isoTime('when'),
  event: Type.String({ description: 'pending, firing, resolved, acknowledged, silenced' }),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const AlertDetailBody = Type.Object({ ...AlertBody.properties, history: Type.Array(AlertEventBody) });

export const MatcherBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  op: Type.Unsafe<'=' | '!=' | '=~' | '!~'>({ type: 'string', enum: ['=', '!=', '=~', '!~'], default: '=' }),
  value: Type.String({ maxLength: 1024 }),
});

export const SilenceBody = Type.Object({
  id: Type.Integer(),
  matchers: Type.Array(MatcherBody),
  startsAt: isoTime('start of the window'),
  endsAt: isoTime('end of the window (exclusive)'),
  createdBy: Type.String(),
  comment: Type.String(),
  createdAt: isoTime('when it was created'),
  expiredAt: nullable(isoTime('when it was deleted (expired early)')),
  active: Type.Boolean({ description: 'in force now' }),
});
