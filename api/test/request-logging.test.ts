/**
 * The API's request ids and request logs: X-Request-Id honoured and echoed, every line of a request
 * carrying it as reqId, a 5xx logged at error with it, probes at debug, error bodies unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@hydra/logging';
import { migrate } from '@hydra/storage';
import { openTestApp, type TestApp } from './fixtures.ts';

type Line = Record<string, unknown> & { level: string; msg: string };

describe('API request logging', () => {
  let t: TestApp;
  let app: FastifyInstance;
  const lines: Line[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Line) };

  beforeAll(async () => {
    t = await openTestApp('pglite', { logger: createLogger({ component: 'api', level: 'info', destination }) });
    await migrate(t.db);
    app = t.app;
    // A route that fails the way a bug does, behind the app's own error handler.
    app.get('/test-boom', async () => {
      throw new Error('kaput: invariant broken');
    });
    await app.ready();
  });
  afterAll(async () => {
    await t?.close();
  });

  const of = (reqId: string) => lines.filter((l) => l.reqId === reqId);

  it('echoes an incoming X-Request-Id and logs the completed request with it', async () => {
    const res = await app.inject({ method: 'GET', url: '/labels', headers: { 'x-request-id': 'req-labels-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-labels-1');
    const done = of('req-labels-1').find((l) => l.msg === 'request completed');
    expect(done).toMatchObject({
      level: 'info',
      component: 'api',
      service: 'hydra',
      method: 'GET',
      url: '/labels',
      statusCode: 200,
    });
    expect(typeof done?.responseTime).toBe('number');
  });

  it('generates an id when none is sent and returns it', async () => {
    const res = await app.inject({ method: 'GET', url: '/labels' });
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(of(id).map((l) => l.msg)).toContain('request completed');
  });

  it('logs a 500 at error with the reqId and the error, and answers the catalogue’s internal error', async () => {
    const res = await app.inject({ method: 'GET', url: '/test-boom', headers: { 'x-request-id': 'req-boom-1' } });
    expect(res.statusCode).toBe(500);
    expect(res.headers['x-request-id']).toBe('req-boom-1');
    expect(res.json()).toEqual({ error: 'internal', message: expect.any(String), details: {} });
    expect(res.body).not.toContain('kaput');
    const failed = of('req-boom-1').find((l) => l.level === 'error');
    expect(failed).toMatchObject({
      msg: expect.stringMatching(/^request failed/),
      err: { type: 'Error', message: 'kaput: invariant broken' },
      req: { method: 'GET', url: '/test-boom' },
    });
    expect(of('req-boom-1').find((l) => l.msg === 'request completed')).toMatchObject({ statusCode: 500 });
  });

  it('logs a refused request (4xx) at info with the reqId, with the same error body as before', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/metrics?step=soon',
      headers: { 'x-request-id': 'req-bad-1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_parameter' });
    expect(of('req-bad-1').find((l) => l.msg.startsWith('request refused'))).toMatchObject({ level: 'info' });
  });

  it('does not log health probes at info', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'req-probe-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-probe-1');
    expect(of('req-probe-1')).toEqual([]);
  });

  it('never logs the authorization header', async () => {
    await app.inject({
      method: 'GET',
      url: '/test-boom',
      headers: { 'x-request-id': 'req-auth-1', authorization: 'Bearer very-secret-token' },
    });
    expect(JSON.stringify(of('req-auth-1'))).not.toContain('very-secret-token');
  });
});
