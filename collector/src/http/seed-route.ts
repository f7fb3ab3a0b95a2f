/**
 * The seed's ingest endpoint: POST /metrics with a JSON array of
 * `{name, value, host?, labels?, timestamp?}` (a single object is taken too).
 * Each point becomes a gauge; `host` is the label `host.name`; `timestamp` is
 * RFC 3339 or epoch milliseconds and defaults to now. An invalid point makes
 * the request a 400 that names the array index and the field.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Labels } from '@hydra/storage';
import { InvalidRequestError, mapError } from '../errors.ts';
import { isWellFormed, type Ingestor } from '../ingestor.ts';
import { logFailure } from '../outage-log.ts';
import { createTelemetry, type CollectorTelemetry } from '../telemetry.ts';
import type { IngestSeries } from '../types.ts';
import { HOST_LABEL } from '@hydra/schema';

export const SEED_METRICS_PATH = '/metrics';
/** Most points one POST /metrics may carry. */
export const MAX_SEED_POINTS = 100_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const EPOCH_MS = /^\d{1,16}$/;

const SeedPoint = {
  type: 'object',
  required: ['name', 'value'],
  properties: {
    name: { type: 'string', minLength: 1, description: 'metric name' },
    value: { type: 'number', description: 'the gauge value' },
    host: { type: 'string', description: 'stored as the label host.name' },
    labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'extra labels' },
    timestamp: {
      anyOf: [{ type: 'string' }, { type: 'number' }],
      description: 'RFC 3339 or epoch milliseconds; default now',
    },
  },
} as const;

const routeSchema = {
  tags: ['metrics'],
  summary: 'Store gauge points (the seed JSON format)',
  body: { anyOf: [{ type: 'array', items: SeedPoint, maxItems: MAX_SEED_POINTS }, SeedPoint] },
  response: {
    200: {
      type: 'object',
      properties: {
        accepted: { type: 'integer' },
        rejected: { type: 'integer' },
        errors: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

interface SeedRouteOptions {
  ingestor: Ingestor;
}

/** POST /metrics for the seed's JSON points; answers 200 `{accepted, rejected, errors}` after commit. */
export const seedJsonRoute: FastifyPluginAsync<SeedRouteOptions> = async (app, options) => {
  const { ingestor } = options;
  const telemetry = createTelemetry();
  // Fastify parses text/plain by default: the body would reach parseSeedPoints as a string and get a 400
  // about point [0]. Without the parser a non-JSON body is a 415, as for every other media type.
  app.removeContentTypeParser('text/plain');
  // Our own validation (parseSeedPoints) names the index and field; the schema documents the shape. Fastify's
  // Ajv would coerce types before it (null → 0, true → 1, "42" → 42, 5 → "5"): this route's validator accepts
  // the body untouched, so a wrong type is a 400 naming the field, never a converted value.
  app.post(SEED_METRICS_PATH, { schema: routeSchema, validatorCompiler: () => () => true }, async (request, reply) => {
    const started = performance.now();
    try {
      const series = parseSeedPoints(request.body, ingestor.limits.maxLabelLength, Date.now());
      telemetry.pointsReceived.add(series.reduce((n, s) => n + s.samples.length, 0));
      const result = await ingestor.ingest(series);
      if (result.acceptedPoints === 0 && result.rejectedPoints > 0) {
        throw new InvalidRequestError(`no point could be stored: ${result.errors.join('; ')}`);
      }
      ingestor.outage.accepted(request.log);
      return finish(reply, telemetry, started, 200, {
        accepted: result.acceptedPoints,
        rejected: result.rejectedPoints,
        errors: result.errors,
      });
    } catch (err) {
      const mapped = mapError(err);
      logFailure(ingestor.outage, request.log, mapped, err, 'POST /metrics failed');
      if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
      return finish(reply, telemetry, started, mapped.status, {
        error: mapped.error,
        message: mapped.message,
        details: {},
      });
    }
  });
};

/**
 * Error handler for a server that hosts seedJsonRoute on its own (the
 * collector's port): body-parse errors (bad JSON, body too large) get the
 * route's `{error, message, details}` shape. The API uses its own catalogue.
 */
export const seedErrorHandler = async (
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> => {
  const mapped = mapError(err);
  if (mapped.status >= 500) request.log.error({ err }, 'POST /metrics failed');
  if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
  return reply.code(mapped.status).send({ error: mapped.error, message: mapped.message, details: {} });
};

function finish(
  reply: FastifyReply,
  t: CollectorTelemetry,
  started: number,
  status: number,
  body: object,
): FastifyReply {
  const attributes = { transport: 'http', encoding: 'seed_json', status };
  t.requests.add(1, attributes);
  t.requestDuration.record((performance.now() - started) / 1000, attributes);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Validate seed points and group them into gauge series. Throws
 * InvalidRequestError naming the first bad point's index and field.
 */
export function parseSeedPoints(body: unknown, maxLabelLength: number, nowMs: number): IngestSeries[] {
  const points = Array.isArray(body) ? body : [body];
  if (points.length > MAX_SEED_POINTS) {
    throw new InvalidRequestError(`the body holds ${points.length} points; at most ${MAX_SEED_POINTS} per request`);
  }
  const bySeries = new Map<string, IngestSeries>();
  points.forEach((raw, i) => {
    const bad = (field: string, reason: string): never => {
      throw new InvalidRequestError(field ? `[${i}].${field}: ${reason}` : `[${i}]: ${reason}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('', 'must be an object');
    const p = raw as Record<string, unknown>;
    if (typeof p.name !== 'string' || p.name === '') bad('name', 'must be a non-empty string');
    const name = p.name as string;
    if (name.length > maxLabelLength) bad('name', `is longer than ${maxLabelLength} characters`);
    if (!isWellFormed(name)) bad('name', 'is not well-formed UTF-16 (a lone surrogate)');
    if (typeof p.value !== 'number' || !Number.isFinite(p.value)) bad('value', 'must be a finite number');
    const labels: Labels = {};
    if (p.labels !== undefined && p.labels !== null) {
      if (typeof p.labels !== 'object' || Array.isArray(p.labels)) bad('labels', 'must be an object of strings');
      for (const [k, v] of Object.entries(p.labels as Record<string, unknown>)) {
        if (!isWellFormed(k)) bad('labels', 'a label name is not well-formed UTF-16 (a lone surrogate)');
        if (typeof v === 'string') {
          if (!isWellFormed(v)) bad(`labels.${k}`, 'is not well-formed UTF-16 (a lone surrogate)');
          labels[k] = v;
        } else if (typeof v === 'number' || typeof v === 'boolean') labels[k] = String(v);
        else bad(`labels.${k}`, 'must be a string, number or boolean');
      }
    }
    if (p.host !== undefined && p.host !== null) {
      if (typeof p.host !== 'string' || p.host === '') bad('host', 'must be a non-empty string');
      if (!isWellFormed(p.host as string)) bad('host', 'is not well-formed UTF-16 (a lone surrogate)');
      labels[HOST_LABEL] = p.host as string;
    }
    const timeMs = p.timestamp === undefined || p.timestamp === null ? nowMs : parseTimestamp(p.timestamp, bad);
    const key =
      name + '\u0000' + JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let s = bySeries.get(key);
    if (!s) {
      const metric = { name, kind: 'gauge', unit: '', temporality: 'unspecified', monotonic: false } as const;
      s = { ref: { metric: { ...metric }, labels }, samples: [], histograms: [], expHistograms: [] };
      bySeries.set(key, s);
    }
    s.samples.push({ timeUs: Math.round(timeMs * 1000), value: p.value as number });
  });
  return [...bySeries.values()];
}

function parseTimestamp(v: unknown, bad: (field: string, reason: string) => never): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) bad('timestamp', 'must be a non-negative number of epoch milliseconds');
    return v;
  }
  if (typeof v === 'string') {
    if (EPOCH_MS.test(v)) return Number(v);
    if (RFC3339.test(v)) {
      const ms = Date.parse(v);
      if (Number.isFinite(ms)) return ms;
    }
    return bad('timestamp', `'${v.slice(0, 64)}' is not RFC 3339 (2024-01-02T03:04:05Z) or epoch milliseconds`);
  }
  return bad('timestamp', 'must be an RFC 3339 string or a number of epoch milliseconds');
}
