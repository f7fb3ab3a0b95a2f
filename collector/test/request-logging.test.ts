/**
 * The collector's HTTP request ids and logs, on a real pipeline: X-Request-Id honoured and echoed,
 * accepted exports off info and a refused one's completed-request line carrying it as reqId, a 5xx (database down) logged at error with it,
 * health probes not at info.
 */
import { createLogger } from '@hydra/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from './helpers/pipeline.ts';
import { otlpJson } from './helpers/requests.ts';

type Line = Record<string, unknown> & { level: string; msg: string };
const JSON_TYPE = { 'content-type': 'application/json' };

describe('collector request logging', () => {
  let p: Pipeline;
  const lines: Line[] = [];
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Line) };
  const of = (reqId: string) => lines.filter((l) => l.reqId === reqId);

  beforeAll(async () => {
    p = await startPipeline('pglite', { logger: createLogger({ component: 'collector', destination }) });
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('echoes X-Request-Id; an accepted export is not logged at info, a refused one is, with its reqId', async () => {
    const res = await fetch(`${p.collector.httpUrl}/v1/metrics`, {
      method: 'POST',
      body: otlpJson([{ name: 'logged.metric', value: 1 }]),
      headers: { ...JSON_TYPE, 'x-request-id': 'otel-export-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('otel-export-1');
    // hundreds a second on a busy collector: counted in its metrics, logged at debug only
    expect(of('otel-export-1')).toEqual([]);

    const refused = await fetch(`${p.collector.httpUrl}/v1/metrics`, {
      method: 'POST',
      body: 'not otlp',
      headers: { 'content-type': 'text/plain', 'x-request-id': 'otel-export-2' },
    });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('x-request-id')).toBe('otel-export-2');
    expect(of('otel-export-2')).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        component: 'collector',
        method: 'POST',
        url: '/v1/metrics',
        statusCode: 415,
        responseTime: expect.any(Number),
      }),
    ]);
  });

  it('logs the start of an outage (a 503) at error with the reqId and the error', async () => {
    await p.proxy.cut();
    try {
      const res = await fetch(`${p.collector.httpUrl}/v1/metrics`, {
        method: 'POST',
        body: otlpJson([{ name: 'logged.outage', value: 1 }]),
        headers: { ...JSON_TYPE, 'x-request-id': 'otel-outage-1' },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('x-request-id')).toBe('otel-outage-1');
    } finally {
      await p.proxy.restore();
    }
    const failed = of('otel-outage-1').find((l) => l.level === 'error');
    expect(failed).toMatchObject({
      msg: expect.stringMatching(/^storage_unavailable: refusing requests with 503/),
      err: { type: expect.any(String), message: expect.any(String) },
    });
    expect(of('otel-outage-1').find((l) => l.msg === 'request completed')).toMatchObject({ statusCode: 503 });
  });

  it('gives a request without an id a UUID and keeps health probes off info', async () => {
    const res = await fetch(`${p.collector.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(of(id)).toEqual([]);
  });
});
