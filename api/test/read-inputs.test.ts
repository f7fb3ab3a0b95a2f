/**
 * Read routes under bad parameters and bad stored values (issue 19 item 6):
 * a NUL byte in any text parameter, numbers out of range, ids beyond int64,
 * and series holding NaN or ±1e300 are answered with a 4xx or a 200 — never
 * a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testBackends } from '@hydra/storage/testing';
import { buildApp } from '../src/index.ts';
import { CPU, openFixture, type Fixture } from './fixtures.ts';

const EXTREME = {
  name: 'extreme.values',
  kind: 'gauge',
  unit: '',
  temporality: 'unspecified',
  monotonic: false,
} as const;

describe.each(testBackends())('read routes under bad input on %s', (backend) => {
  let fx: Fixture;
  let app: FastifyInstance;

  beforeAll(async () => {
    fx = await openFixture(backend);
    app = await buildApp({ db: fx.db, auth: { mode: 'off' } });
    const [id] = await fx.registry.resolve([{ metric: EXTREME, labels: { 'host.name': 'x-1' } }]);
    const now = Date.now();
    const values = [1, Number.NaN, 1e300, -1e300, Number.POSITIVE_INFINITY, 2];
    await fx.writer.write({
      samples: values.map((value, i) => ({ seriesId: id as number, timeUs: (now - 60_000 + i * 1000) * 1000, value })),
      histograms: [],
      expHistograms: [],
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await fx?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  it('/analytics/trends over a series holding NaN, ±Infinity and ±1e300 answers 200 with finite statistics', async () => {
    const res = await get(`/analytics/trends?name=${EXTREME.name}`);
    expect(res.statusCode, res.body).toBe(200);
    const [trend] = res.json().trends;
    expect(trend.metric).toBe(EXTREME.name);
    for (const k of ['avg', 'min', 'max', 'stddev', 'slope'] as const) {
      expect(trend[k] === null || Number.isFinite(trend[k]), `${k}=${trend[k]}`).toBe(true);
    }
  });

  it.each([
    ['/metrics?name=a%00b', 'name'],
    [`/metrics?name=${CPU.name}&match=host.name%3D%22a%00%22`, 'match'],
    ['/series?match=%00', 'match'],
    ['/labels/host.name/values?name=x%00', 'name'],
    ['/analytics/trends?name=%00', 'name'],
    [`/metrics?name=${CPU.name}&step=99999999999999999999`, 'step'],
    [`/metrics?name=${CPU.name}&from=1e400`, 'from'],
    ['/series?offset=1e400', 'offset'],
    ['/analytics/anomalies?series=99999999999999999999', 'series'],
    ['/alerts/99999999999999999999', 'id'],
  ])('%s → 400 naming %s', async (url, field) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toContain(field);
  });
});
