/**
 * The Ingestor over a real registry and writer: it resolves after commit,
 * counts a flattened histogram point once, maps back-pressure to 429 and its
 * own shutdown to 503.
 */
import { BatchWriter, QueueFullError } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector } from '../src/collector.ts';
import { CollectorClosedError } from '../src/errors.ts';
import { randomBytes } from 'node:crypto';
import { Ingestor, MAX_METRIC_NAME_BYTES, MAX_UNIT_BYTES } from '../src/ingestor.ts';
import { decodeJsonRequest } from '../src/otlp/json-decoder.ts';
import { decodeProtobufRequest } from '../src/otlp/protobuf-decoder.ts';
import { protobufPayload, sdkResourceMetrics } from './helpers/otlp-fixtures.ts';
import { startPipeline, storedSamples, type Pipeline } from './helpers/pipeline.ts';
import { otlpJson } from './helpers/requests.ts';
import { silentLogger } from '@hydra/logging/testing';

const DAY_SECONDS = 24 * 3600;

describe.each(testBackends())('Ingestor on %s', (backend) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(backend);
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('resolves only once the points are committed', async () => {
    const nowUs = Date.now() * 1000;
    const result = await p.ingestor.ingest([
      {
        ref: {
          metric: { name: 'ingest.committed', kind: 'gauge', unit: '', temporality: 'unspecified', monotonic: false },
          labels: { a: '1' },
        },
        samples: [
          { timeUs: nowUs - 2000, value: 1 },
          { timeUs: nowUs - 1000, value: 2 },
        ],
        histograms: [],
        expHistograms: [],
      },
    ]);
    expect(result).toEqual({ acceptedPoints: 2, rejectedPoints: 0, errors: [] });
    expect((await storedSamples(p.db, 'ingest.committed')).map((s) => s.value)).toEqual([1, 2]);
  });

  it('counts a rejected histogram point once, not once per flattened series', async () => {
    const seconds = Math.floor(Date.now() / 1000) - 40 * DAY_SECONDS;
    const decoded = decodeProtobufRequest(protobufPayload(sdkResourceMetrics([seconds, 0], 'old.')), 5);
    const result = await p.ingestor.ingest(decoded.series);
    // 6 wire points: 2 gauge + 2 sums + 1 histogram + 1 exponential histogram (their _count/_sum not counted again)
    expect(result.rejectedPoints).toBe(6);
    expect(result.acceptedPoints).toBe(0);
    expect(result.errors[0]).toMatch(/older than 2592000s/);
  });

  it('counts accepted points as sent: a histogram point once, though three series store it', async () => {
    const decoded = decodeProtobufRequest(
      protobufPayload(sdkResourceMetrics([Math.floor(Date.now() / 1000) - 5, 0], 'fresh.')),
      5,
    );
    expect(decoded.series).toHaveLength(10); // 2 gauges, 2 sums, histogram + _count + _sum, exp. histogram + _count + _sum
    expect(await p.ingestor.ingest(decoded.series)).toEqual({ acceptedPoints: 6, rejectedPoints: 0, errors: [] });
  });

  it('stores names and labels at the length limits; refuses a unit past MAX_UNIT_BYTES', async () => {
    const hex = (bytes: number) => randomBytes(bytes / 2).toString('hex');
    const name = hex(MAX_METRIC_NAME_BYTES); // incompressible, so the identity's btree entry is at its largest
    const series = (unit: string) => ({
      ref: {
        metric: { name, kind: 'gauge' as const, unit, temporality: 'unspecified' as const, monotonic: false },
        labels: { [hex(2048)]: hex(2048) },
      },
      samples: [{ timeUs: Date.now() * 1000 - 1000, value: 1 }],
      histograms: [],
      expHistograms: [],
    });
    expect(await p.ingestor.ingest([series(hex(MAX_UNIT_BYTES))])).toMatchObject({
      acceptedPoints: 1,
      rejectedPoints: 0,
    });
    const refused = await p.ingestor.ingest([series(hex(MAX_UNIT_BYTES + 2))]);
    expect(refused).toMatchObject({ acceptedPoints: 0, rejectedPoints: 1 });
    expect(refused.errors[0]).toMatch(/unit is longer than 256 bytes$/);
  });

  it('back-pressure from the writer becomes 429 with Retry-After; a request larger than its queue 413', async () => {
    const tiny = new BatchWriter(p.db, { maxQueuedRows: 3, flushIntervalMs: 2000 });
    tiny.start();
    const ingestor = new Ingestor({ registry: p.registry, writer: tiny });
    const c = await startCollector(ingestor, { host: '127.0.0.1', httpPort: 0, grpcPort: 0, logger: silentLogger() });
    const send = (body: string) =>
      fetch(`${c.httpUrl}/v1/metrics`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const points = (n: number) =>
      Array.from({ length: n }, (_, k) => ({ name: 'ingest.backpressure', value: 1, attributes: { k: String(k) } }));
    try {
      const queued = ingestor.ingest(decodeJsonBody(otlpJson(points(2)))); // waits in the queue for the flush interval
      // Let it reach the writer (its new series are registered first, which takes a while on a loaded machine).
      await expect.poll(() => tiny.stats().queuedRows, { timeout: 20_000 }).toBe(2);
      await expect(ingestor.ingest(decodeJsonBody(otlpJson(points(2))))).rejects.toBeInstanceOf(QueueFullError);
      const full = await send(otlpJson(points(2)));
      expect(full.status).toBe(429);
      expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await full.json()) as { message: string }).message).toMatch(/^write queue full/);
      const tooBig = await send(otlpJson(points(4)));
      expect(tooBig.status).toBe(413);
      expect(((await tooBig.json()) as { message: string }).message).toBe(
        'the request holds 4 rows to store; the writer takes at most 3 at once: send smaller batches',
      );
      await expect(queued).resolves.toMatchObject({ acceptedPoints: 2 });
    } finally {
      await c.shutdown();
      await tiny.shutdown();
    }
  });

  it('after shutdown it refuses new data (503 shutting_down) and shutdown is idempotent', async () => {
    const ingestor = new Ingestor({ registry: p.registry, writer: p.writer });
    const c = await startCollector(ingestor, { host: '127.0.0.1', httpPort: 0, grpcPort: 0, logger: silentLogger() });
    try {
      const inFlight = ingestor.ingest(decodeJsonBody(otlpJson([{ name: 'ingest.inflight', value: 1 }])));
      await Promise.all([ingestor.shutdown(), ingestor.shutdown()]);
      await expect(inFlight).resolves.toMatchObject({ acceptedPoints: 1 });
      await expect(ingestor.ingest([])).rejects.toBeInstanceOf(CollectorClosedError);
      const res = await fetch(`${c.httpUrl}/v1/metrics`, {
        method: 'POST',
        body: otlpJson([{ name: 'x', value: 1 }]),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await c.shutdown();
    }
  });

  it('refuses invalid limits at construction, naming the field', () => {
    expect(() => new Ingestor({ registry: p.registry, writer: p.writer }, { maxAttributes: -1 })).toThrow(
      'ingest limits: maxAttributes must be a positive integer, got -1',
    );
  });
});

function decodeJsonBody(body: string) {
  return decodeJsonRequest(JSON.parse(body), 5).series;
}
