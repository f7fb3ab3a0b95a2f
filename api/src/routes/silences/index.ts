/**
 * Silences: GET /silences (active ones by default), POST /silences and
 * DELETE /silences/{id} (expires it; the record is kept). Writes need alerts:write.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listSilences, MAX_SILENCE_PAGE, validateMatchers, type LabelMatcher } from '@hydra/storage';
import type { AlertService } from '@hydra/analysis';
import { errorResponses, Errors, MatcherBody, SilenceBody, success } from '@hydra/contract';
import { parseTime } from '../../params/time.ts';
import { silenceBody } from '../alerts/bodies.ts';

/** Most matchers in one silence. */
export const MAX_SILENCE_MATCHERS = 32;
/** Longest silence window (a year): longer ones are almost always mistakes. */
export const MAX_SILENCE_SECONDS = 366 * 86_400;

export interface SilenceRoutesOptions {
  alerts: AlertService;
}

const ListQuerystring = Type.Object(
  {
    all: Type.Optional(Type.Boolean({ description: 'also expired and future silences (default: active now)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SILENCE_PAGE, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  },
  { additionalProperties: false },
);

const CreateBody = Type.Object(
  {
    matchers: Type.Array(MatcherBody, { minItems: 1, maxItems: MAX_SILENCE_MATCHERS }),
    startsAt: Type.Optional(Type.String({ description: 'default now (RFC 3339, epoch, now-…)' })),
    endsAt: Type.String({ description: 'end of the window, exclusive (RFC 3339, epoch, now+2h)' }),
    createdBy: Type.String({
      minLength: 1,
      maxLength: 256,
      description: "who silences; with authentication on, the token's subject (`sub`) is recorded instead",
    }),
    comment: Type.String({ minLength: 1, maxLength: 2_048, description: 'why (required, as in Alertmanager)' }),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const silenceRoutes: FastifyPluginAsyncTypebox<SilenceRoutesOptions> = async (app, { alerts }) => {
  app.get(
    '/silences',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Silences, newest first (active now unless all=true)',
        querystring: ListQuerystring,
        response: {
          200: success('Silences', Type.Object({ silences: Type.Array(SilenceBody) })),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const now = alerts.now();
      const silences = await listSilences(app.db, {
        ...(request.query.all ? {} : { activeAtMs: now }),
        limit: request.query.limit ?? 100,
        offset: request.query.offset ?? 0,
      });
      return { silences: silences.map((s) => silenceBody(s, now)) };
    },
  );

  app.post(
    '/silences',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Silence the notifications of alerts whose labels match, for a time window',
        body: CreateBody,
        response: { 201: success('The silence', SilenceBody), ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = alerts.now();
      const startsAt = b.startsAt === undefined ? now : parseTime('startsAt', b.startsAt, new Date(now)).getTime();
      const endsAt = parseTime('endsAt', b.endsAt, new Date(now)).getTime();
      if (endsAt <= startsAt) throw Errors.invalidParameter('endsAt', 'must be after startsAt', b.endsAt);
      if (endsAt <= now)
        throw Errors.invalidParameter('endsAt', 'is in the past: the silence would never apply', b.endsAt);
      if ((endsAt - startsAt) / 1000 > MAX_SILENCE_SECONDS)
        throw Errors.invalidParameter(
          'endsAt',
          `the window may be at most ${MAX_SILENCE_SECONDS / 86_400} days`,
          b.endsAt,
        );
      const matchers: LabelMatcher[] = b.matchers.map((m) => ({ name: m.name, op: m.op ?? '=', value: m.value }));
      try {
        validateMatchers(matchers);
      } catch (err) {
        throw Errors.invalidParameter('matchers', (err as Error).message);
      }
      const silence = await alerts.createSilence({
        matchers,
        startsAt,
        endsAt,
        // with authentication on, who the token names, not who the body claims
        createdBy: request.principal ?? b.createdBy,
        comment: b.comment,
      });
      return reply.code(201).send(silenceBody(silence, now));
    },
  );

  app.delete(
    '/silences/:id',
    {
      config: { scope: 'alerts:write' },
      schema: {
        tags: ['alerts'],
        summary: 'Expire a silence now (the record is kept)',
        params: IdParams,
        response: { 200: success('The expired silence', SilenceBody), ...errorResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const expired = await alerts.expireSilence(request.params.id);
      if (!expired) throw Errors.resourceNotFound('silence', request.params.id);
      return silenceBody(expired, alerts.now());
    },
  );
};

export default silenceRoutes;
