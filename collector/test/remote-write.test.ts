/**
 * POST /api/v1/write against a real database: 204 after commit with exact
 * values, and the documented refusals (400 text for bad snappy / protobuf /
 * refused samples, 413, 415 for v2 and wrong headers), each followed by a
 * good request; a database outage answers 503 + Retry-After.
 */
import { testBackends } from '@hydra/storage/testing';
import { AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS, AuthUnavailableError } from '@hydra/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_WRITE_HEADERS, snappyWriteRequest, type RwSeries } from './helpers/remote-write.ts';
import { startPipeline, storedSamples, type Pipeline } from './helpers/pipeline.ts';

const SMALL_BODY_LIMIT = 4096;
const RECOVERY_ATTEMPTS = 20;
const RECOVERY_PAUSE_MS = 250;

async function post(url: string, body: Uint8Array, headers: Record<string, string> = REMOTE_WRITE_HEADERS) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function series(name: string, value: number, labels: Record<string, string> = {}): RwSeries {
  return {
    labels: { __name__: name, job: 'test', instance: 'h:1', ...labels },
    samples: [{ value, timestampMs: nowMs() }],
  };
}

function nowMs(): number {
  return Date.now() - 1000;
}

describe.each(testBackends())('remote-write receiver on %s', (backend) => {
  let p: Pipeline;
  let url: string;
  beforeAll(async () => {
    p = await startPipeline(backend);
    url = `${p.collector.httpUrl}/api/v1/write`;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  async function expectServesGoodRequest(target = url): Promise<void> {
    const res = await post(target, snappyWriteRequest([series('rw_after_refusal', 1)]));
    expect(res.status).toBe(204);
  }

  it('stores the samples before answering 204, with labels and exact values', async () => {
    const t = nowMs();
    const res = await post(
      url,
      snappyWriteRequest([
        {
          labels: { __name__: 'rw_temp', job: 'j', instance: 'i:9', room: 'a' },
          samples: [{ value: 21.5, timestampMs: t }],
        },
        {
          labels: { __name__: 'rw_temp', job: 'j', instance: 'i:9', room: 'b' },
          samples: [
            { value: 0, timestampMs: t, stale: true },
            { value: -3, timestampMs: t - 500 },
          ],
        },
      ]),
    );
    expect([res.status, res.text]).toEqual([204, '']);
    const stored = await storedSamples(p.db, 'rw_temp');
    expect(stored).toEqual([
      {
        metric: 'rw_temp',
        kind: 'gauge',
        temporality: 'unspecified',
        monotonic: false,
        labels: { instance: 'i:9', job: 'j', room: 'a' },
        timeUs: t * 1000,
        value: 21.5,
      },
      {
        metric: 'rw_temp',
        kind: 'gauge',
        temporality: 'unspecified',
        monotonic: false,
        labels: { instance: 'i:9', job: 'j', room: 'b' },
        timeUs: (t - 500) * 1000,
        value: -3,
      },
    ]);
  });

  it('bad snappy and bad protobuf → 400 with a text message, then serves', async () => {
    const snappyRes = await post(url, Buffer.from('definitely not snappy'));
    expect(snappyRes.status).toBe(400);
    expect(snappyRes.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(snappyRes.text).toMatch(/^invalid_request: the request body is not valid snappy/);
    const good = snappyWriteRequest([series('rw_bad_proto', 1)]);
    const { default: snappy } = await import('snappyjs');
    const raw = snappy.uncompress(good);
    const protoRes = await post(url, snappy.compress(raw.subarray(0, raw.length - 4)));
    expect(protoRes.status).toBe(400);
    expect(protoRes.text).toMatch(/not a valid remote-write WriteRequest/);
    await expectServesGoodRequest();
  });

  it('remote write 2.0 and other headers → 415 naming what is supported', async () => {
    const body = snappyWriteRequest([series('rw_v2', 1)]);
    const v2 = await post(url, body, {
      ...REMOTE_WRITE_HEADERS,
      'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
    });
    expect(v2.status).toBe(415);
    expect(v2.text).toMatch(/only remote write 1\.0/);
    const gzip = await post(url, body, { ...REMOTE_WRITE_HEADERS, 'content-encoding': 'gzip' });
    expect([gzip.status, gzip.text]).toEqual([415, expect.stringMatching(/Content-Encoding 'gzip' is not supported/)]);
    expect(await storedSamples(p.db, 'rw_v2')).toHaveLength(0);
    await expectServesGoodRequest();
  });

  it('a body over the limit after decompression → 413', async () => {
    const small = await p.withLimits({ maxBodyBytes: SMALL_BODY_LIMIT });
    const target = `${small.httpUrl}/api/v1/write`;
    const many = Array.from({ length: 200 }, (_, i) => series('rw_big', i, { i: String(i) }));
    const body = snappyWriteRequest(many);
    const res = await post(target, body);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/after snappy decompression; the limit is 4096/);
    await expectServesGoodRequest(target);
  });

  it('label limits refuse the offending series with 400 and store the others', async () => {
    const res = await post(
      url,
      snappyWriteRequest([
        series('rw_limits_ok', 7),
        series('rw_limits_long', 8, { big: 'x'.repeat(3000) }),
        { labels: { job: 'x' }, samples: [{ value: 1, timestampMs: nowMs() }] },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain("metric rw_limits_long: attribute 'big' name or value is longer than 2048 bytes");
    expect(res.text).toContain('metric name is empty');
    expect(res.text).toContain('(the other samples were stored)');
    expect((await storedSamples(p.db, 'rw_limits_ok')).map((s) => s.value)).toEqual([7]);
    expect(await storedSamples(p.db, 'rw_limits_long')).toHaveLength(0);
  });

  it('authenticates through the same hook as OTLP: 401, 403, 503 when tokens cannot be checked, 204', async () => {
    const secured = await p.withLimits(
      {},
      {
        authenticate: async (header) => {
          if (!header) return { ok: false, status: 401, message: 'missing bearer token' };
          if (header === 'Bearer jwks-down') throw new AuthUnavailableError('cannot use the JWKS: connection refused');
          return header === 'Bearer ingest-secret'
            ? { ok: true }
            : { ok: false, status: 403, message: 'token lacks metrics:write' };
        },
      },
    );
    const target = `${secured.httpUrl}/api/v1/write`;
    const body = snappyWriteRequest([series('rw_auth', 5)]);
    const as = (token?: string) =>
      post(target, body, token ? { ...REMOTE_WRITE_HEADERS, authorization: `Bearer ${token}` } : REMOTE_WRITE_HEADERS);
    const missing = await as();
    expect([missing.status, missing.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await as('wrong')).status).toBe(403);
    const down = await as('jwks-down');
    expect([down.status, down.headers.get('retry-after')]).toEqual([503, String(AUTH_UNAVAILABLE_RETRY_AFTER_SECONDS)]);
    expect(await storedSamples(p.db, 'rw_auth')).toHaveLength(0);
    expect((await as('ingest-secret')).status).toBe(204);
    expect((await storedSamples(p.db, 'rw_auth')).map((s) => s.value)).toEqual([5]);
  });

  it('only stale markers → 204 and nothing stored', async () => {
    const res = await post(
      url,
      snappyWriteRequest([
        { labels: { __name__: 'rw_stale' }, samples: [{ value: 0, timestampMs: nowMs(), stale: true }] },
      ]),
    );
    expect(res.status).toBe(204);
    expect(await storedSamples(p.db, 'rw_stale')).toHaveLength(0);
  });

  it('database unreachable → 503 with Retry-After (Prometheus retries), then recovers', async () => {
    await p.proxy.cut();
    try {
      const res = await post(url, snappyWriteRequest([series('rw_outage', 1, { fresh: String(Date.now()) })]));
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await p.proxy.restore();
    }
    let status = 0;
    for (let attempt = 0; attempt < RECOVERY_ATTEMPTS && status !== 204; attempt++) {
      status = (await post(url, snappyWriteRequest([series('rw_after_outage', 1)]))).status;
      if (status !== 204) await new Promise((r) => setTimeout(r, RECOVERY_PAUSE_MS));
    }
    expect(status).toBe(204);
  }, 30_000);
});
