/**
 * Prometheus remote write 1.0: POST /api/v1/write with a snappy-compressed
 * protobuf WriteRequest. Answers 204 once every accepted sample is committed;
 * 400 (text) for a body that cannot be decoded or samples that were refused
 * (the others are committed: Prometheus's own receiver does the same, and a
 * 400 is not retried, so nothing is stored twice); 413 past the size limit;
 * 415 for another Content-Type / Content-Encoding or remote write 2.0;
 * 429/503 with Retry-After from mapError, which Prometheus retries.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequestError, mapError, UnsupportedMediaTypeError } from '../errors.ts';
import type { Ingestor } from '../ingestor.ts';
import { logFailure } from '../outage-log.ts';
import { exportDecoded } from '../otlp/export.ts';
import { decodeWriteRequest, decompressSnappy } from '../remote-write/decoder.ts';
import type { CollectorTelemetry } from '../telemetry.ts';

export const REMOTE_WRITE_PATH = '/api/v1/write';
export const REMOTE_WRITE_CONTENT_TYPE = 'application/x-protobuf';
export const REMOTE_WRITE_ENCODING = 'snappy';
/** The `proto` Content-Type parameter that names remote write 1.0 (2.0 senders name io.prometheus.write.v2.Request). */
export const REMOTE_WRITE_V1_PROTO = 'prometheus.WriteRequest';
const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

export interface RemoteWriteRouteOptions {
  ingestor: Ingestor;
  telemetry: CollectorTelemetry;
}

/** Throws UnsupportedMediaTypeError unless the request is remote write 1.0 (protobuf, snappy). */
export function checkRemoteWriteHeaders(contentType: string | undefined, contentEncoding: string | undefined): void {
  const [mediaType = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim());
  if (mediaType.toLowerCase() !== REMOTE_WRITE_CONTENT_TYPE) {
    throw new UnsupportedMediaTypeError(
      `Content-Type '${contentType ?? ''}' is not supported; remote write sends ${REMOTE_WRITE_CONTENT_TYPE}`,
    );
  }
  const proto = params.find((p) => p.toLowerCase().startsWith('proto='))?.slice('proto='.length);
  if (proto !== undefined && proto !== REMOTE_WRITE_V1_PROTO) {
    throw new UnsupportedMediaTypeError(
      `remote write message '${proto}' is not supported: only remote write 1.0 (${REMOTE_WRITE_V1_PROTO}) is; ` +
        'configure protobuf_message: prometheus.WriteRequest',
    );
  }
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== REMOTE_WRITE_ENCODING) {
    throw new UnsupportedMediaTypeError(
      `Content-Encoding '${contentEncoding ?? ''}' is not supported; remote write sends ${REMOTE_WRITE_ENCODING}`,
    );
  }
}

export const remoteWriteRoute: FastifyPluginAsync<RemoteWriteRouteOptions> = async (app, options) => {
  const { ingestor, telemetry } = options;
  const maxBytes = ingestor.limits.maxBodyBytes;

  // Every body arrives as a Buffer (the compressed size capped at maxBytes); the headers are checked in the handler.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: maxBytes },
    async (_request: FastifyRequest, body: Buffer) => body,
  );

  app.setErrorHandler(async (err, request, reply) => {
    const mapped = mapError(err);
    logFailure(ingestor.outage, request.log, mapped, err, 'remote write failed');
    if (mapped.retryAfterSeconds !== undefined) void reply.header('retry-after', String(mapped.retryAfterSeconds));
    return reply.code(mapped.status).type(TEXT_CONTENT_TYPE).send(`${mapped.error}: ${mapped.message}\n`);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 300) ingestor.outage.accepted(request.log);
    const attributes = { transport: 'http', encoding: 'remote_write', status: reply.statusCode };
    telemetry.requests.add(1, attributes);
    telemetry.requestDuration.record(reply.elapsedTime / 1000, attributes);
  });

  app.post(REMOTE_WRITE_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const encoding = request.headers['content-encoding'];
    checkRemoteWriteHeaders(request.headers['content-type'], Array.isArray(encoding) ? encoding.join(',') : encoding);
    const body = request.body instanceof Buffer ? request.body : Buffer.alloc(0);
    const decoded = decodeWriteRequest(decompressSnappy(body, maxBytes), ingestor.limits.maxErrorMessages);
    const partial = await exportDecoded(ingestor, decoded, telemetry);
    if (partial) throw new InvalidRequestError(`${partial.errorMessage} (the other samples were stored)`);
    return reply.code(204).send();
  });
};
