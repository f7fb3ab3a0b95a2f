import { describe, expect, it } from 'vitest';
import {
  InvalidQueryError,
  QueryLimitError,
  QueueFullError,
  StorageUnavailableError,
  WriterClosedError,
} from '@hydra/storage';
import { ApiError, AuthUnavailableError, Errors } from '@hydra/contract';
import { MAX_REPORTED_ISSUES, toApiError } from '../src/plugins/error-handler.ts';

const context = { bodyLimit: 1024, contentType: 'text/csv' };
const shape = (e: ApiError) => ({
  status: e.statusCode,
  error: e.code,
  message: e.message,
  details: e.details,
  headers: e.headers,
});

describe('toApiError', () => {
  it('passes catalogue errors through', () => {
    const err = Errors.invalidParameter('step', 'is not a duration', 'x');
    expect(toApiError(err, context)).toBe(err);
  });

  it('classifies storage errors: retryable → 429/503 with Retry-After, permanent → 400', () => {
    expect(shape(toApiError(new QueueFullError('writer queue is full', 2), context))).toEqual({
      status: 429,
      error: 'queue_full',
      message: 'writer queue is full',
      details: { retryAfterSeconds: 2 },
      headers: { 'retry-after': '2' },
    });
    expect(
      shape(toApiError(new StorageUnavailableError('ping failed', { retryAfterSeconds: 7 }), context)),
    ).toMatchObject({
      status: 503,
      error: 'storage_unavailable',
      message: 'storage is unavailable: ping failed',
      headers: { 'retry-after': '7' },
    });
    expect(toApiError(new WriterClosedError('closing'), context).statusCode).toBe(503);
    expect(shape(toApiError(new QueryLimitError('max_points', 'too many points'), context))).toMatchObject({
      status: 400,
      error: 'query_too_large',
      details: { limit: 'max_points' },
    });
    expect(shape(toApiError(new InvalidQueryError('matchers[0].value', 'bad regex'), context))).toMatchObject({
      status: 400,
      error: 'invalid_request',
      message: 'matchers[0].value: bad regex',
      details: { field: 'matchers[0].value' },
    });
  });

  it('treats raw connection failures as the database being unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(toApiError(refused, context).code).toBe('storage_unavailable');
    const adminShutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(toApiError(adminShutdown, context).code).toBe('storage_unavailable');
    expect(toApiError(new Error('timeout exceeded when trying to connect'), context).code).toBe('storage_unavailable');
  });

  it('reports a JWKS outage as auth_unavailable', () => {
    expect(shape(toApiError(new AuthUnavailableError('cannot use the JWKS'), context))).toMatchObject({
      status: 503,
      error: 'auth_unavailable',
      headers: { 'retry-after': '5' },
    });
  });

  it('lists fastify validation issues, bounded', () => {
    const validation = Array.from({ length: MAX_REPORTED_ISSUES + 3 }, (_, i) => ({
      instancePath: `/field${i}`,
      message: 'must be integer',
      params: { type: 'integer' },
    }));
    const err = Object.assign(new Error('querystring/field0 must be integer'), {
      validation,
      validationContext: 'querystring',
      statusCode: 400,
    });
    const apiError = toApiError(err, context);
    expect(apiError.code).toBe('invalid_request');
    expect(apiError.details.moreIssues).toBe(3);
    expect((apiError.details.issues as unknown[])[0]).toEqual({
      path: 'querystring/field0',
      message: 'must be integer',
      params: { type: 'integer' },
    });
  });

  it('maps fastify body errors and hides everything else behind 500', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(shape(toApiError(tooLarge, context))).toMatchObject({ status: 413, details: { limitBytes: 1024 } });
    const media = Object.assign(new Error('Unsupported Media Type'), {
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
    expect(shape(toApiError(media, context))).toMatchObject({ status: 415, details: { contentType: 'text/csv' } });
    expect(shape(toApiError(new TypeError("Cannot read properties of undefined (reading 'x')"), context))).toEqual({
      status: 500,
      error: 'internal',
      message: 'internal server error; the server log has the details',
      details: {},
      headers: {},
    });
  });
});
