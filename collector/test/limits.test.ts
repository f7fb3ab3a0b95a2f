import { describe, expect, it } from 'vitest';
import {
  BatchTooLargeError,
  InvalidDataError,
  QueueFullError,
  QueryLimitError,
  StorageUnavailableError,
  WriterClosedError,
} from '@hydra/storage';
import {
  CollectorClosedError,
  InvalidRequestError,
  mapError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../src/errors.ts';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits.ts';

describe('ingest limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      maxBodyBytes: 64 * 1024 * 1024,
      maxAttributes: 128,
      maxLabelLength: 2048,
      maxFutureSeconds: 600,
      maxPointAgeSeconds: 30 * 24 * 3600,
    });
  });

  it('overlays overrides and refuses invalid values naming the field', () => {
    expect(resolveLimits({ maxAttributes: 10 }).maxAttributes).toBe(10);
    expect(() => resolveLimits({ maxBodyBytes: 0 })).toThrow(
      'ingest limits: maxBodyBytes must be a positive integer, got 0',
    );
    expect(() => resolveLimits({ maxLabelLength: 1.5 })).toThrow(/maxLabelLength must be a positive integer/);
    expect(() => resolveLimits({ nope: 1 } as never)).toThrow("ingest limits: unknown field 'nope'");
  });
});

describe('mapError', () => {
  it.each([
    [new InvalidRequestError('bad field'), 400, 'invalid_request', undefined],
    [new PayloadTooLargeError('too big'), 413, 'payload_too_large', undefined],
    [new UnsupportedMediaTypeError('text/plain'), 415, 'unsupported_media_type', undefined],
    [new QueueFullError('queue full', 2), 429, 'queue_full', 2],
    [new StorageUnavailableError('db down', { retryAfterSeconds: 7 }), 503, 'storage_unavailable', 7],
    [new WriterClosedError('closing'), 503, 'storage_unavailable', 1],
    [new CollectorClosedError('closing'), 503, 'shutting_down', 5],
    [new QueryLimitError('max_points', 'too many points'), 400, 'rejected_by_storage', undefined],
    // regression: data the database refuses is permanent (400), never a 503 the exporter retries forever
    [
      new InvalidDataError('22P05', 'series registry: unsupported Unicode escape sequence'),
      400,
      'rejected_by_storage',
      undefined,
    ],
    // regression: a write larger than the writer's whole queue can never succeed (413), it is not a 500
    [new BatchTooLargeError(2_000_000, 1_000_000), 413, 'payload_too_large', undefined],
    [Object.assign(new Error('Body is too large'), { statusCode: 413 }), 413, 'payload_too_large', undefined],
    [Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 }), 415, 'unsupported_media_type', undefined],
    [Object.assign(new Error('Unexpected end of JSON'), { statusCode: 400 }), 400, 'invalid_request', undefined],
  ])('%s → %i %s', (err, status, error, retryAfterSeconds) => {
    const mapped = mapError(err);
    expect(mapped).toMatchObject({ status, error, message: (err as Error).message });
    expect(mapped.retryAfterSeconds).toBe(retryAfterSeconds);
  });

  it('hides the message of unexpected errors behind a 500', () => {
    expect(mapError(new TypeError('x is undefined'))).toEqual({
      status: 500,
      error: 'internal',
      message: 'internal error; the collector logged the cause',
    });
    expect(mapError('a string')).toMatchObject({ status: 500 });
  });
});
