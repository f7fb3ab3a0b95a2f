/**
 * Request ids and request logging for hydra's fastify servers (the API, the
 * collector's HTTP receiver, the dashboard server):
 *
 * - the id: a client's `X-Request-Id` when it is a sane token (1–128
 *   characters of [A-Za-z0-9._:-]), a random UUID otherwise; logged as
 *   `reqId` on every line of the request and echoed in the `x-request-id`
 *   response header;
 * - one line per completed request at info (`method`, `url` with secret
 *   query values redacted, `statusCode`, `responseTime` in ms); probes and
 *   scrapes (`quietPaths`) at debug so they do not flood the logs; the
 *   "incoming request" line only at trace, and no separate "route not
 *   found" line (the completed line says 404).
 *
 * Spread `requestLogging({ logger })` into the fastify options and call
 * `echoRequestId(app)` on the root instance.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { redactUrl, type Logger } from './index.ts';

export { redactUrl };

export const REQUEST_ID_HEADER = 'x-request-id';
/** Longest client-supplied request id that is kept; longer ones are replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

/** The request id of `req`: its valid X-Request-Id, or a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  const incoming = Array.isArray(header) ? header[0] : header;
  if (incoming && incoming.length <= MAX_REQUEST_ID_LENGTH && REQUEST_ID_PATTERN.test(incoming)) return incoming;
  return randomUUID();
}

/** One line per completed request; see the module comment. */
export class HydraLogController extends LogController {
  readonly #quietPaths: ReadonlySet<string>;

  constructor(quietPaths: Iterable<string> = []) {
    super();
    this.#quietPaths = new Set(quietPaths);
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.trace({ method: request.method, url: redactUrl(request.url) }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = {
      method: request.method,
      url: redactUrl(request.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    if (error) {
      reply.log.error({ ...fields, err: error }, 'request errored');
      return;
    }
    const path = request.url.split('?', 1)[0] ?? request.url;
    const quiet = this.#quietPaths.has(path) && reply.statusCode < 400;
    reply.log[quiet ? 'debug' : 'info'](fields, 'request completed');
  }

  override routeNotFound(): void {
    // The completed line (statusCode 404) is enough.
  }
}

export interface RequestLoggingOptions {
  /** The process's logger (createLogger); omitted: nothing is logged, request ids still are made and echoed. */
  logger?: Logger | undefined;
  /** Paths (without query) whose successful requests are logged at debug: health probes, scrapes. */
  quietPaths?: Iterable<string>;
}

/** The fastify server options for hydra's request ids and request logging. */
export function requestLogging(options: RequestLoggingOptions): {
  loggerInstance?: FastifyBaseLogger;
  genReqId: (req: IncomingMessage) => string;
  requestIdHeader: false;
  logController: LogController;
} {
  return {
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : {}),
    // The header is read (and checked) by genReqId, not by fastify, which would take any value as it is.
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new HydraLogController(options.quietPaths),
  };
}

/** Sends every request's id back in the `x-request-id` response header. */
export function echoRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
}
