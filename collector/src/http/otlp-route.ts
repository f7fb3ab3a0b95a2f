/**
 * OTLP/HTTP: POST /v1/metrics with application/x-protobuf or application/json
 * (gzip or deflate allowed), answered in the request's content type with an
 * ExportMetricsServiceResponse, or a google.rpc.Status when refused. Errors go
 * through mapError; 429/503 carry Retry-After.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestError, mapError } from '../errors.ts';
import type { Ingestor } from '../ingestor.ts';
import { logFailure } from '../outage-log.ts';
import { exportDecoded } from '../otlp/export.ts';
import { decodeJsonRequest } from '../otlp/json-decoder.ts';
import { decodeProtobufRequest } from '../otlp/protobuf-decoder.ts';
import { decodeUtf8Strict } from '../otlp/wire.ts';
import {
  encodeExportResponse,
  encodeStatus,
  exportResponseJson,
  grpcCodeForHttpStatus,
  statusJson,
  type PartialSuccess,
} from '../otlp/response.ts';
import type { DecodedRequest } from '../series-builder.ts';
import type { CollectorTelemetry } from '../telemetry.ts';
import { decodeContentEncoding } from './body.ts';

export const OTLP_METRICS_PATH = '/v1/metrics';
export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
export const JSON_CONTENT_TYPE = 'application/json';
/** Also seen in the wild for protobuf bodies. */
const PROTOBUF_ALIAS = 'application/protobuf';

export interface OtlpRouteOptions {
  ingestor: Ingestor;
  telemetry: CollectorTelemetry;
}

type Encoding = 'protobuf' | 'json';

function encodingOf(request: FastifyRequest): Encoding {
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith(JSON_CONTENT_TYPE) ? 'json' : 'protobuf';
}

export const otlpHttpRoute: FastifyPluginAsync<OtlpRouteOptions> = async (app, options) => {
  const { ingestor, telemetry } = options;
  const maxBytes = ingestor.limits.maxBodyBytes;

  // Bodies arrive as Buffers capped at maxBytes; Content-Encoding is removed here, decoding happens in the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [PROTOBUF_CONTENT_TYPE, PROTOBUF_ALIAS, JSON_CONTENT_TYPE],
    { parseAs: 'buffer', bodyLimit: maxBytes },
    async (request: FastifyRequest, body: Buffer) => {
      const encoding = request.headers['content-encoding'];
      return decodeContentEncoding(body, Array.isArray(encoding) ? encoding.join(',') : encoding, maxBytes);
    },
  );

  app.setErrorHandler(async (err, request, reply) => {
    const mapped = mapError(err);
    logFailure(ingestor.outage, request.log, mapped, err, 'OTLP export failed');
    if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
    const code = grpcCodeForHttpStatus(mapped.status);
    void reply.code(mapped.status);
    if (mapped.status !== 415 && encodingOf(request) === 'protobuf') {
      return reply
        .type(PROTOBUF_CONTENT_TYPE)
        .send(Buffer.from(encodeStatus(code, mapped.message, mapped.retryAfterSeconds)));
    }
    return reply.type(JSON_CONTENT_TYPE).send(statusJson(code, mapped.message, mapped.retryAfterSeconds));
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 300) ingestor.outage.accepted(request.log);
    const attributes = { transport: 'http', encoding: encodingOf(request), status: reply.statusCode };
    telemetry.requests.add(1, attributes);
    telemetry.requestDuration.record(reply.elapsedTime / 1000, attributes);
  });

  app.post(OTLP_METRICS_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const encoding = encodingOf(request);
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const decoded = decode(body, encoding, ingestor.limits.maxErrorMessages);
    const partial: PartialSuccess | null = await exportDecoded(ingestor, decoded, telemetry);
    if (encoding === 'json') return reply.type(JSON_CONTENT_TYPE).send(exportResponseJson(partial));
    return reply.type(PROTOBUF_CONTENT_TYPE).send(Buffer.from(encodeExportResponse(partial)));
  });
};

function decode(body: Buffer, encoding: Encoding, maxMessages: number): DecodedRequest {
  if (encoding === 'protobuf') return decodeProtobufRequest(body, maxMessages);
  if (body.length === 0) return decodeJsonRequest({}, maxMessages);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeUtf8Strict(body));
  } catch (err) {
    throw new InvalidRequestError(`the request body is not valid JSON: ${(err as Error).message}`);
  }
  return decodeJsonRequest(parsed, maxMessages);
}
