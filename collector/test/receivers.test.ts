/**
 * The HTTP and gRPC receivers against a real database: documented statuses
 * and messages for bad input, limits, partial success, authentication, and a
 * database outage (503 + Retry-After, then recovery). After every refusal the
 * receiver serves a good request.
 */
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { SeriesRegistry } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../src/collector.ts';
import { Ingestor } from '../src/ingestor.ts';
import { EXPORT_METHOD_PATH } from '../src/grpc/server.ts';
import { AuthUnavailableError, AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS } from '@hydra/contract';
import { protobufPayload, sdkResourceMetrics } from './helpers/otlp-fixtures.ts';
import { startPipeline, storedSamples, type Pipeline } from './helpers/pipeline.ts';
import { decodeStatus, otlpJson } from './helpers/requests.ts';
import { silentLogger } from '@hydra/logging/testing';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const SMALL_BODY_LIMIT = 64 * 1024;

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: () => Buffer.from(bytes).toString('utf8') };
}

function nowHrTime(): [number, number] {
  return [Math.floor(Date.now() / 1000) - 1, 0];
}

describe.each(testBackends())('OTLP receivers on %s', (backend) => {
  let p: Pipeline;
  let url: string;
  beforeAll(async () => {
    p = await startPipeline(backend);
    url = `${p.collector.httpUrl}/v1/metrics`;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  const goodJson = (name: string) => otlpJson([{ name, value: 1 }]);
  async function expectServesGoodRequest(target = url): Promise<void> {
    const res = await post(target, goodJson('after.refusal'), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text())).toEqual({});
  }

  it('answers an empty request with 200 and an empty response', async () => {
    const proto = await post(url, new Uint8Array(0), PROTOBUF);
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    expect(proto.bytes.length).toBe(0);
    const json = await post(url, '{}', JSON_TYPE);
    expect([json.status, json.text()]).toEqual([200, '{}']);
  });

  it('malformed protobuf → 400 with a protobuf google.rpc.Status, then serves', async () => {
    const good = protobufPayload(sdkResourceMetrics(nowHrTime(), 'malformed.'));
    const res = await post(url, good.subarray(0, good.length - 5), PROTOBUF);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-protobuf/);
    const status = decodeStatus(res.bytes);
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toMatch(/^malformed protobuf ExportMetricsServiceRequest at byte \d+: /);
    const ok = await post(url, good, PROTOBUF);
    expect(ok.status).toBe(200);
    expect(ok.bytes.length).toBe(0);
  });

  it('malformed JSON → 400 with a JSON Status, then serves', async () => {
    const res = await post(url, '{"resourceMetrics": [', JSON_TYPE);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text());
    expect(body).toMatchObject({ code: 3, details: [] });
    expect(body.message).toMatch(/^the request body is not valid JSON: /);
    const typed = await post(url, JSON.stringify({ resourceMetrics: [{ scopeMetrics: 'x' }] }), JSON_TYPE);
    expect(typed.status).toBe(400);
    expect(JSON.parse(typed.text()).message).toBe(
      'invalid OTLP JSON at resourceMetrics[0]: scopeMetrics must be an array',
    );
    await expectServesGoodRequest();
  });

  it('wrong Content-Type or Content-Encoding → 415, then serves', async () => {
    const res = await post(url, 'cpu 1', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text())).toMatchObject({ code: 3 });
    const br = await post(url, goodJson('br'), { ...JSON_TYPE, 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(JSON.parse(br.text()).message).toBe("Content-Encoding 'br' is not supported; use gzip, deflate, identity");
    await expectServesGoodRequest();
  });

  it('a body over the limit → 413, raw or after gzip decompression, then serves', async () => {
    const small = await p.withLimits({ maxBodyBytes: SMALL_BODY_LIMIT });
    const smallUrl = `${small.httpUrl}/v1/metrics`;
    const raw = await post(smallUrl, Buffer.alloc(SMALL_BODY_LIMIT + 1, 0x20), JSON_TYPE);
    expect(raw.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(4 * SMALL_BODY_LIMIT, 0x20));
    expect(bomb.length).toBeLessThan(SMALL_BODY_LIMIT);
    const inflated = await post(smallUrl, bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(decodeStatus(inflated.bytes)).toMatchObject({
      code: 8,
      message: `the request body exceeds ${SMALL_BODY_LIMIT} bytes after gzip decompression`,
    });
    const grpcTooBig = await rawGrpcExport(small.grpcAddress, Buffer.alloc(SMALL_BODY_LIMIT + 1));
    expect(grpcTooBig?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const corrupt = await post(smallUrl, Buffer.from('not gzip'), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    await expectServesGoodRequest(smallUrl);
  });

  it('a huge label or too many attributes rejects that point: partial_success, 400 when nothing is left', async () => {
    const huge = 'x'.repeat(3000);
    const many = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`a${i}`, 'v']));
    const res = await post(
      url,
      otlpJson([
        { name: 'limits.ok', value: 1 },
        { name: 'limits.huge', value: 2, attributes: { big: huge } },
        { name: 'limits.many', value: 3, attributes: many },
      ]),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    const { partialSuccess } = JSON.parse(res.text());
    expect(partialSuccess.rejectedDataPoints).toBe('2');
    expect(partialSuccess.errorMessage).toContain(
      "metric limits.huge: attribute 'big' name or value is longer than 2048 bytes",
    );
    expect(partialSuccess.errorMessage).toContain('metric limits.many: 132 attributes, the limit is 128');
    expect(await storedSamples(p.db, 'limits.ok')).toHaveLength(1);
    expect(await storedSamples(p.db, 'limits.huge')).toHaveLength(0);

    const only = await post(url, otlpJson([{ name: 'limits.huge', value: 2, attributes: { big: huge } }]), JSON_TYPE);
    expect(only.status).toBe(400);
    expect(JSON.parse(only.text()).message).toMatch(/^no data point could be stored: 1 data point\(s\) rejected/);
    await expectServesGoodRequest();
  });

  it('regression: a NUL character in a label or metric name is a permanent rejection, not an endless 503', async () => {
    const res = await post(
      url,
      otlpJson([
        { name: 'nul.ok', value: 1 },
        { name: 'nul.label', value: 1, attributes: { a: 'x\u0000y' } },
        { name: 'nul\u0000name', value: 1 },
      ]),
      JSON_TYPE,
    );
    expect(res.status).toBe(200);
    const { partialSuccess } = JSON.parse(res.text());
    expect(partialSuccess.rejectedDataPoints).toBe('2');
    expect(partialSuccess.errorMessage).toContain("metric nul.label: attribute 'a' contains U+0000");
    expect(partialSuccess.errorMessage).toContain("metric name 'nul\\u0000name' contains U+0000");
    await expectServesGoodRequest();
  });

  it('stores NaN and ±Inf gauge values; a NUL in a description is dropped, not fatal', async () => {
    const t = `${BigInt(Date.now() - 1000) * 1_000_000n}`;
    const body = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: ['NaN', 'Infinity', '-Infinity'].map((v, i) => ({
                name: 'special.values',
                description: 'with a \u0000 inside',
                gauge: {
                  dataPoints: [{ timeUnixNano: t, asDouble: v, attributes: [{ key: 'i', value: { intValue: i } }] }],
                },
              })),
            },
          ],
        },
      ],
    };
    const res = await post(url, JSON.stringify(body), JSON_TYPE);
    expect([res.status, res.text()]).toEqual([200, '{}']);
    const values = (await storedSamples(p.db, 'special.values')).map((s) => s.value);
    expect(values).toEqual([NaN, Infinity, -Infinity]);
  });

  it('points too old or too far in the future are counted in partial_success (protobuf reply)', async () => {
    const now = Date.now();
    const body = otlpJson([
      { name: 'window.ok', value: 1, timeMs: now },
      { name: 'window.old', value: 2, timeMs: now - 40 * 24 * 3600 * 1000 },
      { name: 'window.future', value: 3, timeMs: now + 3600 * 1000 },
    ]);
    const asJson = await post(url, body, JSON_TYPE);
    expect(JSON.parse(asJson.text()).partialSuccess.rejectedDataPoints).toBe('2');
    // the same request as protobuf: the reply is decoded by the OTel SDK's own deserializer
    const seconds = Math.floor(now / 1000);
    const rm = sdkResourceMetrics([seconds - 40 * 24 * 3600, 0], 'window.');
    const res = await post(url, protobufPayload(rm), PROTOBUF);
    expect(res.status).toBe(400); // every point too old: nothing valid
    const mixed = sdkResourceMetrics([seconds - 1, 0], 'window2.');
    mixed.scopeMetrics[0]!.metrics.push(
      ...sdkResourceMetrics([seconds + 3600, 0], 'window3.').scopeMetrics[0]!.metrics,
    );
    const partial = await post(url, protobufPayload(mixed), PROTOBUF);
    expect(partial.status).toBe(200);
    const response = ProtobufMetricsSerializer.deserializeResponse(partial.bytes);
    expect(Number(response.partialSuccess?.rejectedDataPoints)).toBe(6); // the 6 wire points of window3.*
    expect(response.partialSuccess?.errorMessage).toMatch(/more than 600s in the future/);
  });

  it('series beyond the per-metric limit are rejected with partial_success', async () => {
    const registry = new SeriesRegistry(p.db, { maxSeriesPerMetric: 2 });
    const c = await startCollector(new Ingestor({ registry, writer: p.writer }), {
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: 0,
      logger: silentLogger(),
    });
    try {
      const points = ['a', 'b', 'c'].map((pod) => ({ name: 'cardinality.test', value: 1, attributes: { pod } }));
      const res = await post(`${c.httpUrl}/v1/metrics`, otlpJson(points), JSON_TYPE);
      expect(res.status).toBe(200);
      const { partialSuccess } = JSON.parse(res.text());
      expect(partialSuccess.rejectedDataPoints).toBe('1');
      expect(partialSuccess.errorMessage).toContain('metric cardinality.test');
      expect(await storedSamples(p.db, 'cardinality.test')).toHaveLength(2);
    } finally {
      await c.shutdown();
    }
  });

  it('database down → 503 with Retry-After (HTTP) and UNAVAILABLE (gRPC); recovers when it is back', async () => {
    const known = otlpJson([{ name: 'outage.known', value: 1 }]);
    expect((await post(url, known, JSON_TYPE)).status).toBe(200);
    await p.proxy.cut();
    try {
      const res = await post(url, otlpJson([{ name: 'outage.known', value: 2 }]), JSON_TYPE);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = JSON.parse(res.text());
      expect(body.code).toBe(14);
      expect(body.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.RetryInfo' });
      const fresh = await post(url, protobufPayload(sdkResourceMetrics(nowHrTime(), 'outage.new.')), PROTOBUF);
      expect(fresh.status).toBe(503);
      expect(decodeStatus(fresh.bytes).retryDelaySeconds).toBeGreaterThan(0);
      const grpcError = await rawGrpcExport(
        p.collector.grpcAddress,
        protobufPayload(sdkResourceMetrics(nowHrTime(), 'outage.grpc.')),
      );
      expect(grpcError?.code).toBe(grpc.status.UNAVAILABLE);
      expect(grpcError?.metadata.get('grpc-status-details-bin')).toHaveLength(1);
    } finally {
      await p.proxy.restore();
    }
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await post(url, otlpJson([{ name: 'outage.known', value: 3 }]), JSON_TYPE)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    expect((await storedSamples(p.db, 'outage.known')).map((s) => s.value)).toEqual([1, 3]);
  });

  it('gRPC: garbage → INVALID_ARGUMENT, then a good export succeeds', async () => {
    const bad = await rawGrpcExport(p.collector.grpcAddress, Buffer.from('definitely not protobuf'));
    expect(bad?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(bad?.details).toMatch(/malformed protobuf/);
    const good = await rawGrpcExport(
      p.collector.grpcAddress,
      protobufPayload(sdkResourceMetrics(nowHrTime(), 'grpc.raw.')),
    );
    expect(good).toBeNull();
  });

  it('the seed JSON route stores gauges and names the index and field of a bad point', async () => {
    const seedUrl = `${p.collector.httpUrl}/metrics`;
    const recent = new Date(Date.now() - 60_000).toISOString();
    const ok = await post(
      seedUrl,
      JSON.stringify([
        { name: 'seed.cpu', value: 0.5, host: 'db-1', labels: { core: '0' }, timestamp: recent },
        { name: 'seed.cpu', value: 0.75, host: 'db-1', labels: { core: '0' }, timestamp: Date.parse(recent) + 1000 },
      ]),
      JSON_TYPE,
    );
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text())).toEqual({ accepted: 2, rejected: 0, errors: [] });
    const stored = await storedSamples(p.db, 'seed.cpu');
    expect(stored.map((s) => [s.timeUs, s.value])).toEqual([
      [Date.parse(recent) * 1000, 0.5],
      [(Date.parse(recent) + 1000) * 1000, 0.75],
    ]);
    expect(stored[0]).toMatchObject({ kind: 'gauge', labels: { 'host.name': 'db-1', core: '0' } });
    const bad = await post(
      seedUrl,
      JSON.stringify([
        { name: 'seed.cpu', value: 1 },
        { name: 'seed.cpu', value: 'high' },
      ]),
      JSON_TYPE,
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text())).toEqual({
      error: 'invalid_request',
      message: '[1].value: must be a finite number',
      details: {},
    });
    const notJson = await post(seedUrl, '[{"name":', JSON_TYPE);
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text())).toMatchObject({ error: 'invalid_request' });
    const badTime = await post(
      seedUrl,
      JSON.stringify([{ name: 'seed.cpu', value: 1, timestamp: 'tuesday' }]),
      JSON_TYPE,
    );
    expect(JSON.parse(badTime.text()).message).toMatch(/^\[0\]\.timestamp: 'tuesday' is not RFC 3339/);
  });

  it('GET /healthz answers 200 and shutdown is idempotent', async () => {
    const extra = await p.withLimits({});
    const res = await fetch(`${extra.httpUrl}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    await Promise.all([extra.shutdown(), extra.shutdown()]);
    await extra.shutdown();
    await expect(fetch(`${extra.httpUrl}/healthz`)).rejects.toThrow();
  });
});

describe('authentication', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline('pglite', {
      authenticate: async (header) => {
        if (!header) return { ok: false, status: 401, message: 'missing bearer token' };
        if (header === 'Bearer jwks-down') throw new AuthUnavailableError('cannot use the JWKS: connection refused');
        return header === 'Bearer ingest-secret'
          ? { ok: true }
          : { ok: false, status: 403, message: 'token lacks metrics:write' };
      },
    });
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('HTTP: 401 without a token, 403 with a wrong one, 200 with the right one; /healthz stays open', async () => {
    const url = `${p.collector.httpUrl}/v1/metrics`;
    const none = await post(url, '{}', JSON_TYPE);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text())).toEqual({ error: 'unauthorized', message: 'missing bearer token', details: {} });
    expect((await post(url, '{}', { ...JSON_TYPE, authorization: 'Bearer nope' })).status).toBe(403);
    expect((await post(url, '{}', { ...JSON_TYPE, authorization: 'Bearer ingest-secret' })).status).toBe(200);
    expect((await fetch(`${p.collector.httpUrl}/healthz`)).status).toBe(200);
  });

  it('regression: tokens that cannot be checked (JWKS down) get 503 with Retry-After, not 500', async () => {
    const res = await post(`${p.collector.httpUrl}/v1/metrics`, '{}', {
      ...JSON_TYPE,
      authorization: 'Bearer jwks-down',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS));
    expect(JSON.parse(res.text())).toMatchObject({ code: 14, message: expect.stringContaining('JWKS') }); // google.rpc UNAVAILABLE
  });

  it('gRPC: UNAUTHENTICATED without the authorization metadata', async () => {
    const body = protobufPayload(sdkResourceMetrics(nowHrTime(), 'auth.'));
    expect((await rawGrpcExport(p.collector.grpcAddress, body))?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(await rawGrpcExport(p.collector.grpcAddress, body, 'Bearer ingest-secret')).toBeNull();
  });
});

/** Export raw bytes over gRPC; resolves with the error, or null on success. */
function rawGrpcExport(address: string, body: Buffer, authorization?: string): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (authorization) metadata.set('authorization', authorization);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      EXPORT_METHOD_PATH,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      metadata,
      (err) => {
        client.close();
        resolve(err ?? null);
      },
    );
  });
}
