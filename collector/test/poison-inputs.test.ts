/**
 * Poison inputs, one regression test per defect of issue 19: a request whose
 * data the database or the binary COPY encoder cannot hold is that request's
 * 400 — never a 503 (retried forever) and never anyone else's failure — and
 * ill-formed strings, truncated snappy and an empty gzip body are refused
 * with a 400 that says why. After every refusal a good request is stored.
 */
import { gzipSync } from 'node:zlib';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, storedSamples, type Pipeline } from './helpers/pipeline.ts';
import { REMOTE_WRITE_HEADERS, snappyWriteRequest } from './helpers/remote-write.ts';
import { otlpJson } from './helpers/requests.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const U64_MAX = '18446744073709551615';

async function post(url: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

const nowNs = (): string => `${BigInt(Date.now()) * 1_000_000n}`;

/** One OTLP JSON request with one metric of the given data (a `histogram` or `exponentialHistogram` object). */
function otlpMetric(name: string, data: Record<string, unknown>): string {
  return JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name, ...data }] }] }] });
}

export function poisonHistogram(name: string, count = U64_MAX): string {
  return otlpMetric(name, {
    histogram: {
      aggregationTemporality: 2,
      dataPoints: [{ timeUnixNano: nowNs(), count, sum: 1, bucketCounts: [count] }],
    },
  });
}

describe.each(testBackends())('poison inputs on %s', (backend) => {
  let p: Pipeline;
  let otlp: string;
  let rw: string;
  let seed: string;
  beforeAll(async () => {
    p = await startPipeline(backend);
    otlp = `${p.collector.httpUrl}/v1/metrics`;
    rw = `${p.collector.httpUrl}/api/v1/write`;
    seed = `${p.collector.httpUrl}/metrics`;
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  async function expectStoresGoodRequest(name: string): Promise<void> {
    const res = await post(otlp, otlpJson([{ name, value: 7 }]), JSON_TYPE);
    expect(res.status).toBe(200);
    expect((await storedSamples(p.db, name)).map((s) => s.value)).toEqual([7]);
  }

  it('a histogram count or bucket count ≥ 2^63 is a 400 naming the field, not a 503', async () => {
    const res = await post(otlp, poisonHistogram('poison.count'), JSON_TYPE);
    expect(res.status).toBe(400);
    expect(res.retryAfter).toBeNull();
    expect(res.text).toMatch(/count/);
    const bucket = otlpMetric('poison.bucket', {
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [
          { timeUnixNano: nowNs(), count: '1', explicitBounds: [1], bucketCounts: ['1', '9223372036854775808'] },
        ],
      },
    });
    const res2 = await post(otlp, bucket, JSON_TYPE);
    expect(res2.status).toBe(400);
    expect(res2.text).toMatch(/bucketCounts/);
    await expectStoresGoodRequest('after.poison.count');
  });

  it('an exponential histogram scale or offset outside int32 is a 400, not a 503', async () => {
    for (const [field, point] of [
      ['scale', { scale: 2 ** 31, positive: { offset: 0, bucketCounts: ['1'] } }],
      ['offset', { scale: 0, positive: { offset: -(2 ** 31) - 1, bucketCounts: ['1'] } }],
      ['zeroCount', { scale: 0, zeroCount: U64_MAX }],
    ] as const) {
      const body = otlpMetric(`poison.exp.${field}`, {
        exponentialHistogram: {
          aggregationTemporality: 2,
          dataPoints: [{ timeUnixNano: nowNs(), count: '1', ...point }],
        },
      });
      const res = await post(otlp, body, JSON_TYPE);
      expect(res.status, `${field}: ${res.text}`).toBe(400);
      expect(res.text).toMatch(new RegExp(field));
    }
    await expectStoresGoodRequest('after.poison.exp');
  });

  it('a lone surrogate in a metric name is a 400 on OTLP JSON, the seed route and remote write', async () => {
    const name = 'bad\ud800name';
    const otlpRes = await post(otlp, otlpJson([{ name, value: 1 }]), JSON_TYPE);
    expect(otlpRes.status).toBe(400);
    expect(otlpRes.text).toMatch(/UTF-16|well-formed|surrogate/);
    const seedRes = await post(seed, JSON.stringify([{ name, value: 1 }]), JSON_TYPE);
    expect(seedRes.status).toBe(400);
    expect(seedRes.text).toMatch(/\[0\]\.name/);
    const labelRes = await post(
      otlp,
      otlpJson([{ name: 'ok.name', value: 1, attributes: { k: 'v\udc00' } }]),
      JSON_TYPE,
    );
    expect(labelRes.status).toBe(400);
    const rwBody = snappyWriteRequest([
      { labels: { __name__: name }, samples: [{ value: 1, timestampMs: Date.now() }] },
    ]);
    const rwRes = await post(rw, rwBody, REMOTE_WRITE_HEADERS);
    expect(rwRes.status).toBe(400);
    await expectStoresGoodRequest('after.surrogate');
  });

  it('the seed route converts no types: a wrong type is a 400 naming the field', async () => {
    for (const [point, field] of [
      [{ name: 'seed.null', value: null }, '[0].value'],
      [{ name: 'seed.bool', value: true }, '[0].value'],
      [{ name: 'seed.string', value: '42' }, '[0].value'],
      [{ name: 5, value: 1 }, '[0].name'],
      [{ name: 'seed.host', value: 1, host: 7 }, '[0].host'],
    ] as const) {
      const res = await post(seed, JSON.stringify([point]), JSON_TYPE);
      expect(res.status, JSON.stringify(point)).toBe(400);
      expect(res.text).toContain(field);
    }
    expect(await storedSamples(p.db, 'seed.null')).toEqual([]);
    const ok = await post(seed, JSON.stringify([{ name: 'seed.ok', value: 42 }]), JSON_TYPE);
    expect(ok.status).toBe(200);
    expect((await storedSamples(p.db, 'seed.ok')).map((s) => s.value)).toEqual([42]);
  });

  it('invalid UTF-8 bytes in a remote-write metric name are a 400', async () => {
    // The encoder writes the name as UTF-8; splice an invalid byte into its bytes.
    const body = snappyWriteRequest([
      { labels: { __name__: 'bad_XXutf8' }, samples: [{ value: 1, timestampMs: Date.now() }] },
    ]);
    const { default: snappy } = await import('snappyjs');
    const raw = Buffer.from(snappy.uncompress(body));
    const at = raw.indexOf('XX');
    raw[at] = 0xff;
    raw[at + 1] = 0xfe;
    const res = await post(rw, snappy.compress(raw), REMOTE_WRITE_HEADERS);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/UTF-8/);
    await expectStoresGoodRequest('after.invalid.utf8');
  });

  it('a truncated snappy body declaring more than it holds is a 400 at once', async () => {
    // A varint length of 64 MiB followed by nothing, and a single byte.
    const declared = Buffer.from([0x80, 0x80, 0x80, 0x20]);
    const started = performance.now();
    const res = await post(rw, declared, REMOTE_WRITE_HEADERS);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/snappy/);
    expect(performance.now() - started).toBeLessThan(5_000);
    const one = await post(rw, Buffer.from([0x05]), REMOTE_WRITE_HEADERS);
    expect(one.status).toBe(400);
    await expectStoresGoodRequest('after.snappy');
  });

  it('an empty body with Content-Encoding: gzip is a 400', async () => {
    const res = await post(otlp, new Uint8Array(0), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/gzip/);
    const ok = await post(otlp, gzipSync(otlpJson([{ name: 'gzip.ok', value: 1 }])), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    });
    expect(ok.status).toBe(200);
  });
});
