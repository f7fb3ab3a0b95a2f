import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@hydra/logging';
import { echoRequestId, redactUrl, requestLogging, REQUEST_ID_HEADER } from '@hydra/logging/fastify';

type Line = Record<string, unknown>;

function captured(level: 'info' | 'debug' = 'info') {
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { lines, logger: createLogger({ component: 'api', level, destination }) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestLogging', () => {
  let close: (() => Promise<unknown>) | undefined;
  afterEach(async () => close?.());

  async function app(level: 'info' | 'debug' = 'info') {
    const { lines, logger } = captured(level);
    const a = Fastify({ ...requestLogging({ logger, quietPaths: ['/healthz'] }) });
    echoRequestId(a);
    a.get('/healthz', async () => ({ ok: true }));
    a.get('/things', async (request) => {
      request.log.info('handler line');
      return [];
    });
    await a.ready();
    close = () => a.close();
    return { a, lines };
  }

  it('keeps a valid incoming X-Request-Id, echoes it and logs it as reqId on every line of the request', async () => {
    const { a, lines } = await app();
    const res = await a.inject({ method: 'GET', url: '/things', headers: { 'x-request-id': 'trace-42.a:b_c' } });
    expect(res.headers[REQUEST_ID_HEADER]).toBe('trace-42.a:b_c');
    expect(lines.map((l) => l.msg)).toEqual(['handler line', 'request completed']);
    for (const l of lines) expect(l.reqId).toBe('trace-42.a:b_c');
    expect(lines[1]).toMatchObject({ level: 'info', method: 'GET', url: '/things', statusCode: 200, component: 'api' });
    expect(typeof lines[1]!.responseTime).toBe('number');
  });

  it('makes a UUID when the header is missing, too long or not a plain token', async () => {
    const { a } = await app();
    for (const headers of [{}, { 'x-request-id': 'x'.repeat(129) }, { 'x-request-id': 'a b\n{"level":"fatal"}' }]) {
      const res = await a.inject({ method: 'GET', url: '/things', headers });
      expect(res.headers[REQUEST_ID_HEADER]).toMatch(UUID);
    }
  });

  it('logs quiet paths at debug, not info; their failures at info', async () => {
    const quiet = await app('info');
    await quiet.a.inject({ method: 'GET', url: '/healthz' });
    expect(quiet.lines).toEqual([]);
    await quiet.a.close();
    const verbose = await app('debug');
    await verbose.a.inject({ method: 'GET', url: '/healthz?x=1' });
    expect(verbose.lines.find((l) => l.msg === 'request completed')).toMatchObject({
      level: 'debug',
      url: '/healthz?x=1',
    });
  });

  it('logs a 404 once, as the completed request', async () => {
    const { a, lines } = await app();
    await a.inject({ method: 'GET', url: '/nope' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', statusCode: 404 });
  });

  it('redacts secret query values in the logged url', async () => {
    const { a, lines } = await app();
    await a.inject({ method: 'GET', url: '/things?name=cpu&access_token=abc&api_key=def&password=ghi' });
    expect(lines.at(-1)?.url).toBe('/things?name=cpu&access_token=[Redacted]&api_key=[Redacted]&password=[Redacted]');
  });

  it('still makes and echoes ids without a logger', async () => {
    const a = Fastify({ ...requestLogging({}) });
    echoRequestId(a);
    a.get('/', async () => 'ok');
    close = () => a.close();
    const res = await a.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'abc' } });
    expect(res.headers[REQUEST_ID_HEADER]).toBe('abc');
  });
});

describe('redactUrl', () => {
  it('leaves URLs without secrets alone', () => {
    expect(redactUrl('/metrics?name=system.cpu&host=web-1')).toBe('/metrics?name=system.cpu&host=web-1');
    expect(redactUrl('/healthz')).toBe('/healthz');
    expect(redactUrl('/a?flag&token=1')).toBe('/a?flag&token=[Redacted]');
    expect(redactUrl('/a?x_Signature=1&monkey=2')).toBe('/a?x_Signature=[Redacted]&monkey=2');
  });

  it('redacts camelCase and prefixed secret names too', () => {
    expect(redactUrl('/a?accessToken=1&authToken=2&sessionToken=3')).toBe(
      '/a?accessToken=[Redacted]&authToken=[Redacted]&sessionToken=[Redacted]',
    );
    expect(redactUrl('/a?privateKey=1&clientSecret=2&author=ann')).toBe(
      '/a?privateKey=[Redacted]&clientSecret=[Redacted]&author=ann',
    );
  });
});
