/**
 * GET /alerts (active by default; filters; paging; history), GET /alerts/{id}
 * (with its history) and POST /alerts/{id}/ack (scope alerts:write).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getAlert, listAlerts, MAX_ALERT_PAGE, type AlertState } from '@hydra/storage';
import type { AlertService } from '@hydra/analysis';
import {
  AlertBody,
  AlertDetailBody,
  errorResponses,
  Errors,
  MAX_PARAM_LENGTH,
  SEVERITIES,
  success,
  type Severity,
} from '@hydra/contract';
import { parseTime } from '../../params/time.ts';
import { alertBody, eventBody } from './bodies.ts';

/** Page size when `limit` is not given. */
export const DEFAULT_ALERT_PAGE = 100;
/** Longest acknowledgement comment. */
export const MAX_COMMENT_LENGTH = 2_048;

export interface AlertRoutesOptions {
  alerts: AlertService;
}

const STATES = ['pending', 'firing', 'resolved'] as const;

const ListQuerystring = Type.Object(
  {
    state: Type.Optional(
      Type.Array(Type.Unsafe<AlertState>({ type: 'string', enum: [...STATES] }), {
        description: 'repeatable; default pending and firing (with history=true: every state)',
      }),
    ),
    severity: Type.Optional(Type.Unsafe<Severity>({ type: 'string', enum: [...SEVERITIES] })),
    monitor: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'namespace/name' })),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'anomaly, forecast_threshold, …' })),
    host: Type.Optional(
      Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: 'value of the host.name label' }),
    ),
    from: Type.Optional(Type.String({ description: 'alerts not resolved before this time (RFC 3339, epoch, now-1h)' })),
    to: Type.Optional(Type.String({ description: 'alerts started at or before this time' })),
    history: Type.Optional(Type.Boolean({ description: 'include resolved alerts (all states unless state is given)' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_ALERT_PAGE, description: `page size (default ${DEFAULT_ALERT_PAGE})` }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const AlertPage = Type.Object({
  alerts: Type.Array(AlertBody),
  total: Type.Integer({ description: 'alerts matching the filters' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const AckBody = Type.Object(
  {
    by: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description:
          "who acknowledges (default: api); with authentication on, the token's subject (`sub`) is recorded instead",
      }),
    ),
    comment: Type.Optional(Type.String({ maxLength: MAX_COMMENT_LENGTH })),
  },
  { additionalProperties: false },
);

const alertRoutes: FastifyPluginAsyncTypebox<AlertRoutesOptions> = async (app, { alerts }) => {
  app.get(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first: active ones by default; filter by state, severity, monitor, host, time',
        querystring: ListQuerystring,
        response: { 200: success('One page of alerts', AlertPage), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const q = request.query;
      const now = new Date();
      const fromMs = q.from === undefined ? undefined : parseTime('from', q.from, now).getTime();
      const toMs = q.to === undefined ? undefined : parseTime('to', q.to, now).getTime();
      if (fromMs !== undefined && toMs !== undefined && toMs < fromMs)
        throw Errors.invalidParameter('to', 'must not be before from', q.to);
      const states = q.state ?? (q.history ? [...STATES] : ['pending', 'firing']);
      const limit = q.limit ?? DEFAULT_ALERT_PAGE;
      const offset = q.offset ?? 0;
      const page = await listAlerts(app.db, {
        states,
        limit,
        offset,
        ...(q.severity === undefined ? {} : { severity: q.severity }),
        ...(q.monitor === undefined ? {} : { monitor: q.monitor }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.host === undefined ? {} : { host: q.host }),
        ...(fromMs === undefined ? {} : { fromMs }),
        ...(toMs === undefined ? {} : { toMs }),
      });
      return { alerts: page.alerts.map(alertBody), total: page.total, limit, offset };
    },
  );

  app.get(
    '/alerts/:id',
    {
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its explanation and history',
        params: IdParams,
        response: { 200: success('The alert', AlertDetailBody), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const found = await getAlert(app.db, request.params.id);
      if (!found) throw Errors.resourceNotFound('alert', request.params.id);
      return { ...alertBody(found.alert), history: found.events.map(eventBody) };
    },
  );

  app.post(
    '/alerts/:id/ack',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (who and why are kept in its history)',
        params: IdParams,
        body: AckBody,
        response: { 200: success('The acknowledged alert', AlertBody), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const acked = await alerts.acknowledge(
        request.params.id,
        request.principal ?? body.by ?? 'api',
        body.comment ?? '',
      );
      if (!acked) throw Errors.resourceNotFound('alert', request.params.id);
      return alertBody(acked);
    },
  );
};

export default alertRoutes;
