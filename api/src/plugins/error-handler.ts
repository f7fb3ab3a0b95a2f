/**
 * Turns every error into the catalogue's `{error, message, details}` answer,
 * classified in this one place: fastify's own errors (validation, body
 * parsing), storage errors (retryable → 503/429 with Retry-After, query
 * ceilings and refused data → 400, hydra's own SQL bugs → 500), other
 * database failures through storage's one classifier, authentication
 * outages, and anything else → 500.
 * 5xx are logged at error level with the request; 4xx at info.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  classifyDatabaseError,
  DatabaseBugError,
  databaseErrorKind,
  InvalidQueryError,
  QueryLimitError,
  QueueFullError,
  sqlStateOf,
  StorageError,
} from '@hydra/storage';
import { ApiError, AuthUnavailableError, Errors } from '@hydra/contract';

/** Most validation issues listed in `details.issues`; the rest are counted. */
export const MAX_REPORTED_ISSUES = 10;

/** What the classification needs to know about the request and the server. */
export interface ErrorContext {
  bodyLimit: number;
  contentType?: string | undefined;
}

/** Maps any thrown value to the ApiError the client receives. */
export function toApiError(err: unknown, context: ErrorContext): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof QueryLimitError) return Errors.queryTooLarge(err.message, { limit: err.limit });
  if (err instanceof InvalidQueryError) return Errors.invalidRequest(err.message, { field: err.field });
  if (err instanceof QueueFullError) return Errors.queueFull(err.message, err.retryAfterSeconds);
  if (err instanceof DatabaseBugError) return Errors.internal();
  if (err instanceof StorageError) {
    return err.retryable
      ? Errors.storageUnavailable(`storage is unavailable: ${err.message}`, err.retryAfterSeconds, err)
      : Errors.invalidRequest(err.message, {});
  }
  if (err instanceof AuthUnavailableError) return Errors.authUnavailable(err.message, err);
  // A database failure that reached here unclassified: the storage layer's one classifier decides (a data
  // exception only with an SQLSTATE: elsewhere an out-of-range RangeError is hydra's bug, not the request's).
  const kind = err instanceof Error ? databaseErrorKind(err) : 'bug';
  if (kind === 'transient' || (kind === 'bad-data' && sqlStateOf(err) !== undefined)) {
    return toApiError(classifyDatabaseError('database', err), context);
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) {
    const issues = fe.validation.slice(0, MAX_REPORTED_ISSUES).map((v) => ({
      path: `${fe.validationContext ?? 'request'}${v.instancePath}`,
      message: v.message ?? 'is invalid',
      ...(v.params && Object.keys(v.params).length > 0 ? { params: v.params } : {}),
    }));
    return Errors.invalidRequest(fe.message ?? 'request is invalid', {
      issues,
      ...(fe.validation.length > MAX_REPORTED_ISSUES ? { moreIssues: fe.validation.length - MAX_REPORTED_ISSUES } : {}),
    });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.payloadTooLarge(context.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.unsupportedMediaType(context.contentType);
    default:
      break;
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return Errors.invalidRequest(fe.message ?? 'bad request', fe.code ? { code: fe.code } : {});
  }
  return Errors.internal();
}

/** Sends an ApiError in the catalogue's shape with its headers. */
export function sendApiError(reply: FastifyReply, apiError: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
  return reply
    .code(apiError.statusCode)
    .type('application/json; charset=utf-8')
    .send({ error: apiError.code, message: apiError.message, details: apiError.details });
}

function handle(err: unknown, request: FastifyRequest, reply: FastifyReply, bodyLimit: number): FastifyReply {
  const apiError = toApiError(err, { bodyLimit, contentType: request.headers['content-type'] });
  if (apiError.statusCode >= 500) {
    request.log.error({ err, req: request, code: apiError.code }, 'request failed: %s', apiError.message);
  } else {
    request.log.info({ code: apiError.code, details: apiError.details }, 'request refused: %s', apiError.message);
  }
  return sendApiError(reply, apiError);
}

async function errorHandlerPlugin(app: FastifyInstance): Promise<void> {
  const bodyLimit = app.initialConfig.bodyLimit ?? 0;
  app.setErrorHandler((err, request, reply) => handle(err, request, reply, bodyLimit));
  app.setNotFoundHandler((request, reply) =>
    handle(Errors.notFound(request.method, request.url.split('?')[0] ?? request.url), request, reply, bodyLimit),
  );
}

export default fp(errorHandlerPlugin, { name: 'hydra-error-handler', fastify: '5.x' });
