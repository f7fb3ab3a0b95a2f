import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { Ingestor } from '@hydra/collector';
import { buildApp, DEFAULT_BODY_LIMIT_BYTES } from '../src/index.ts';
import { HS256_SECRET, INGEST_TOKEN, openFixture } from './fixtures.ts';
import type { Fixture } from './fixtures.ts';

describe('POST /metrics (seed JSON ingest)', () => {
  let fx: Fixture;
  let app: FastifyInstance;
  let ingestor: Ingestor;

  beforeAll(async () => {
    fx = await openFixture('pglite');
    ingestor = new Ingestor({ registry: fx.registry, writer: fx.writer });
    app = await buildApp({
      db: fx.db,
      ingestor,
      auth: { mode: 'on', jwtSecret: HS256_SECRET, ingestToken: INGEST_TOKEN },
    });
  });
  afterAll(async () => {
    await app?.close();
    await ingestor?.shutdown();
    await fx?.close();
  });

  const readToken = () =>
    new SignJWT({ scope: 'metrics:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(HS256_SECRET));

  it('stores points sent with the ingest token and serves them back', async () => {
    const t = fx.now - 60_000;
    const post = await app.inject({
      method: 'POST',
      url: '/metrics',
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
      payload: [
        { name: 'queue.depth', value: 12, host: 'worker-1', labels: { queue: 'emails' }, timestamp: t },
        {
          name: 'queue.depth',
          value: 13,
          host: 'worker-1',
          labels: { queue: 'emails' },
          timestamp: new Date(t + 10_000).toISOString(),
        },
      ],
    });
    expect(post.statusCode).toBe(200);
    expect(post.json()).toMatchObject({ accepted: 2, rejected: 0 });

    const get = await app.inject({
      method: 'GET',
      url: '/metrics?name=queue.depth&host=worker-1&from=now-10m',
      headers: { authorization: `Bearer ${await readToken()}` },
    });
    expect(get.statusCode).toBe(200);
    const [series] = get.json().series;
    expect(series.labels).toEqual({ 'host.name': 'worker-1', queue: 'emails' });
    expect(series.points).toEqual([
      [t, 12],
      [t + 10_000, 13],
    ]);
  });

  it('needs metrics:write: a read token is refused with 403, none with 401', async () => {
    const body = [{ name: 'queue.depth', value: 1 }];
    const noToken = await app.inject({ method: 'POST', url: '/metrics', payload: body });
    expect(noToken.statusCode).toBe(401);
    const read = await app.inject({
      method: 'POST',
      url: '/metrics',
      payload: body,
      headers: { authorization: `Bearer ${await readToken()}` },
    });
    expect(read.statusCode).toBe(403);
    expect(read.json()).toMatchObject({ error: 'forbidden', details: { scope: 'metrics:write' } });
  });

  it('names the bad point', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/metrics',
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
      payload: [
        { name: 'ok', value: 1 },
        { name: 'bad', value: 'x' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('[1].value') });
  });

  it('refuses a body that is not JSON with 415 in the catalogue shape', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/metrics',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/xml' },
      payload: '<metric name="queue.depth" value="12"/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: 'unsupported_media_type',
      message: "content type 'application/xml' is not supported; send application/json",
      details: { contentType: 'application/xml' },
    });
  });

  it('refuses a text/plain body with 415 too (fastify parses text/plain by default)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/metrics',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'text/plain' },
      payload: 'queue.depth 12',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      error: 'unsupported_media_type',
      message: "content type 'text/plain' is not supported; send application/json",
      details: { contentType: 'text/plain' },
    });
  });

  it('refuses malformed JSON and an oversized body in the catalogue shape', async () => {
    const headers = { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' };
    const malformed = await app.inject({ method: 'POST', url: '/metrics', headers, payload: '[{"name":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      error: 'invalid_request',
      details: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' },
    });

    const huge = JSON.stringify(
      Array.from({ length: 90_000 }, (_, i) => ({ name: 'queue.depth', value: i, host: 'x' })),
    );
    expect(huge.length).toBeGreaterThan(DEFAULT_BODY_LIMIT_BYTES);
    const tooLarge = await app.inject({ method: 'POST', url: '/metrics', headers, payload: huge });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual({
      error: 'payload_too_large',
      message: `request body exceeds the ${DEFAULT_BODY_LIMIT_BYTES}-byte limit`,
      details: { limitBytes: DEFAULT_BODY_LIMIT_BYTES },
    });
  });
});
