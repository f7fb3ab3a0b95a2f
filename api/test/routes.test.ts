import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { testBackends } from '@hydra/storage/testing';
import { buildApp } from '../src/index.ts';
import {
  CPU,
  HOSTS,
  LATENCY,
  LATENCY_BOUNDS,
  latencyBuckets,
  openFixture,
  POINT_INTERVAL_MS,
  POINTS_PER_SERIES,
  TEMPERATURE,
} from './fixtures.ts';
import type { Fixture } from './fixtures.ts';

interface RangeBody {
  series: Array<{ metric: string; labels: Record<string, string>; points: Array<[number, number | null]> }>;
  stepSeconds: number | null;
  aggregation: string | null;
  source: string;
}

interface GroupBody {
  labels: Record<string, string>;
  series: number;
  points: Array<[number, number | null]>;
}

describe.each(testBackends())('routes on %s', (backend) => {
  let fx: Fixture;
  let app: FastifyInstance;

  beforeAll(async () => {
    fx = await openFixture(backend);
    app = await buildApp({ db: fx.db, auth: { mode: 'off' } });
  });
  afterAll(async () => {
    await app?.close();
    await fx?.close();
  });

  const get = (url: string) => app.inject({ method: 'GET', url });

  describe('GET /metrics', () => {
    it('returns the raw points of every matching series over the last hour', async () => {
      const res = await get(`/metrics?name=${CPU.name}`);
      expect(res.statusCode).toBe(200);
      const body = res.json<RangeBody>();
      expect(body.stepSeconds).toBeNull();
      expect(body.series).toHaveLength(2);
      const web1 = body.series.find((s) => s.labels['host.name'] === 'web-1');
      expect(web1?.points).toHaveLength(POINTS_PER_SERIES);
      expect(web1?.points[0]).toEqual([fx.now - POINTS_PER_SERIES * POINT_INTERVAL_MS, fx.value('web-1', 0)]);
      expect(web1?.points.at(-1)).toEqual([fx.now - POINT_INTERVAL_MS, fx.value('web-1', POINTS_PER_SERIES - 1)]);
    });

    it('filters by host (the host.name label) and by matchers', async () => {
      const byHost = (await get(`/metrics?name=${CPU.name}&host=web-2`)).json<RangeBody>();
      expect(byHost.series.map((s) => s.labels['host.name'])).toEqual(['web-2']);
      const byMatch = (
        await get(`/metrics?match=${encodeURIComponent('env=~"pro.*"')}&match=service.name=shop`)
      ).json<RangeBody>();
      expect(byMatch.series.map((s) => s.labels['host.name'])).toEqual(['web-1']);
      const negated = (
        await get(`/metrics?name=${CPU.name}&match=${encodeURIComponent('host.name!="web-1"')}`)
      ).json<RangeBody>();
      expect(negated.series.map((s) => s.labels['host.name'])).toEqual(['web-2']);
    });

    it('aggregates per step', async () => {
      const from = fx.now - POINTS_PER_SERIES * POINT_INTERVAL_MS;
      const res = await get(`/metrics?name=${CPU.name}&host=web-1&from=${from}&to=${fx.now}&step=5m&aggregation=max`);
      expect(res.statusCode).toBe(200);
      const body = res.json<RangeBody>();
      expect(body).toMatchObject({ stepSeconds: 300, aggregation: 'max' });
      const points = body.series[0]?.points ?? [];
      expect(points.length).toBeGreaterThanOrEqual(6);
      expect(points.length).toBeLessThanOrEqual(7);
      const values = points.map(([, v]) => v as number);
      expect(Math.max(...values)).toBeCloseTo(fx.value('web-1', POINTS_PER_SERIES - 1), 9);
    });

    it('aggregates across series per step, optionally by labels', async () => {
      const from = fx.now - POINTS_PER_SERIES * POINT_INTERVAL_MS;
      const range = `name=${CPU.name}&from=${from}&to=${fx.now}&step=5m`;
      const per = (await get(`/metrics?${range}`)).json<RangeBody>();
      const all = await get(`/metrics?${range}&aggregate=avg`);
      expect(all.statusCode).toBe(200);
      const body = all.json<RangeBody & { aggregate: unknown; groups: GroupBody[] }>();
      expect(body).toMatchObject({
        series: [],
        stepSeconds: 300,
        aggregation: 'avg',
        aggregate: { op: 'avg', by: [] },
      });
      expect(body.groups).toHaveLength(1);
      expect(body.groups[0]).toMatchObject({ labels: {}, series: 2 });
      const [web1, web2] = HOSTS.map((h) => per.series.find((s) => s.labels['host.name'] === h)!.points);
      expect(body.groups[0]!.points.map(([t]) => t)).toEqual(web1!.map(([t]) => t));
      body.groups[0]!.points.forEach(([, v], i) =>
        expect(v).toBeCloseTo(((web1![i]![1] as number) + (web2![i]![1] as number)) / 2, 9),
      );
      const byEnv = (await get(`/metrics?${range}&aggregate=max&by=env`)).json<{ groups: GroupBody[] }>();
      expect(byEnv.groups.map((g) => [g.labels, g.series])).toEqual([
        [{ env: 'prod' }, 1],
        [{ env: 'staging' }, 1],
      ]);
      // aggregate alone picks a step, as aggregation does
      const auto = (await get(`/metrics?name=${CPU.name}&aggregate=count`)).json<RangeBody>();
      expect(auto.stepSeconds).toBeGreaterThan(0);
    });

    it('refuses a malformed aggregate with the parameter and the reason', async () => {
      const cases: Array<[string, string, RegExp]> = [
        ['aggregate=median', 'invalid_request', /querystring\/aggregate/],
        ['by=env', 'invalid_parameter', /by 'env': groups an aggregate: set aggregate too/],
        ['aggregate=sum&by=env,,host', 'invalid_parameter', /by 'env,,host': must be label names separated by commas/],
        ['aggregate=sum&by=env,env', 'invalid_parameter', /by 'env,env': lists a label twice/],
      ];
      for (const [q, error, message] of cases) {
        const res = await get(`/metrics?name=${CPU.name}&${q}`);
        expect(res.statusCode, q).toBe(400);
        const body = res.json<{ error: string; message: string; details: Record<string, unknown> }>();
        expect(body.error, q).toBe(error);
        expect(JSON.stringify(body), q).toMatch(message);
      }
      const res = await get(`/metrics?name=${CPU.name}&aggregate=sum&by=env&limit=1`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'query_too_large', details: { limit: 'max_series', maxSeries: 1 } });
    });

    it('defaults the aggregation to avg when a step is given', async () => {
      const body = (await get(`/metrics?name=${CPU.name}&step=10m`)).json<RangeBody>();
      expect(body).toMatchObject({ stepSeconds: 600, aggregation: 'avg' });
    });

    it('answers NaN and infinite values as null', async () => {
      const body = (await get(`/metrics?name=${TEMPERATURE.name}`)).json<RangeBody>();
      expect(body.series[0]?.points.map(([, v]) => v)).toEqual([20.5, null, null]);
    });

    it('returns histogram points with their buckets', async () => {
      const res = await get(`/metrics?name=${LATENCY.name}`);
      expect(res.statusCode).toBe(200);
      const [series] = res.json().series;
      expect(series).toMatchObject({ kind: 'histogram', unit: 'ms', temporality: 'cumulative', points: [] });
      expect(series.histograms).toHaveLength(3);
      expect(series.histograms[2]).toEqual({
        t: fx.now - POINT_INTERVAL_MS,
        startT: fx.now - 3_600_000,
        count: latencyBuckets(2).reduce((a, b) => a + b, 0),
        sum: 300,
        min: 1,
        max: 40,
        bounds: LATENCY_BOUNDS,
        bucketCounts: latencyBuckets(2),
      });
    });

    it('returns no series for an unknown metric', async () => {
      const res = await get('/metrics?name=nope');
      expect(res.statusCode).toBe(200);
      expect(res.json<RangeBody>().series).toEqual([]);
    });
  });

  describe('errors', () => {
    it('names a bad regular expression', async () => {
      const res = await get(`/metrics?match=${encodeURIComponent('host.name=~"(web"')}`);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.json()).toMatchObject({
        error: 'invalid_parameter',
        message: expect.stringMatching(/^match 'host.name=~"\(web"': regular expression for 'host.name' is invalid/),
        details: { param: 'match' },
      });
    });

    it('refuses what Prometheus refuses (RE2: no lookahead), naming the matcher', async () => {
      const res = await get(`/metrics?match=${encodeURIComponent('host.name=~"(?!web-1).*"')}`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'invalid_parameter',
        message:
          "match 'host.name=~\"(?!web-1).*\"': regular expression for 'host.name' is invalid: " +
          'invalid or unsupported Perl syntax: `(?!`',
        details: { param: 'match' },
      });
      const backreference = await get(`/metrics?match=${encodeURIComponent('host.name=~"(w)\\1"')}`);
      expect(backreference.statusCode).toBe(400);
    });

    it("evaluates RE2's leading (?i) as case-insensitive", async () => {
      const res = await get(`/metrics?name=${CPU.name}&match=${encodeURIComponent('host.name=~"(?i)WEB-1"')}`);
      expect(res.statusCode).toBe(200);
      expect(res.json<RangeBody>().series.map((s) => s.labels['host.name'])).toEqual(['web-1']);
    });

    it('names a bad time', async () => {
      expect((await get('/metrics?from=tuesday')).json()).toMatchObject({
        error: 'invalid_parameter',
        details: { param: 'from', value: 'tuesday' },
      });
    });

    it('refuses a step too fine for the range and says what to use', async () => {
      const res = await get('/metrics?from=now-30d&step=1m');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'query_too_large',
        message: expect.stringMatching(/use step=236s or more/),
      });
    });

    it('refuses more series than the limit asks for', async () => {
      const res = await get(`/metrics?name=${CPU.name}&limit=1`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: 'query_too_large',
        message:
          'the query matches more than 1 series: narrow it with name, host or match, or raise limit (at most 1000)',
        details: { limit: 'max_series', maxSeries: 1 },
      });
    });

    it('refuses more raw points than the ceiling and says to set a step', async () => {
      const small = await buildApp({ db: fx.db, auth: { mode: 'off' }, queryLimits: { maxPoints: 100 } });
      try {
        const res = await small.inject({ method: 'GET', url: `/metrics?name=${CPU.name}` });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({
          error: 'query_too_large',
          message: expect.stringMatching(/^the query would return more than 100 points: set or coarsen step/),
          details: { limit: 'max_points', maxPoints: 100 },
        });
      } finally {
        await small.close();
      }
    });

    it('refuses a fractional step, naming the parameter', async () => {
      expect((await get('/metrics?step=1.5')).json()).toMatchObject({
        error: 'invalid_parameter',
        message: "step '1.5': must be a whole number of seconds",
      });
    });

    it('refuses a schema violation with the issue listed', async () => {
      const res = await get('/metrics?aggregation=median');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'invalid_request',
        details: { issues: [expect.objectContaining({ path: expect.stringMatching(/^querystring/) })] },
      });
      const unknown = await get('/metrics?metric=cpu');
      expect(unknown.json()).toMatchObject({
        error: 'invalid_request',
        message: expect.stringMatching(/additional properties/),
      });
    });

    it('answers an unknown route with 404 in the same shape', async () => {
      const res = await get('/nothing/here?x=1');
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: 'not_found',
        message: 'no route for GET /nothing/here',
        details: { method: 'GET', url: '/nothing/here' },
      });
    });
  });

  describe('discovery', () => {
    it('lists metrics with their series count', async () => {
      const res = await get('/metrics/names');
      expect(res.statusCode).toBe(200);
      expect(res.json().metrics).toContainEqual(
        expect.objectContaining({ name: CPU.name, kind: 'gauge', unit: '1', series: 2 }),
      );
    });

    it('lists and pages series', async () => {
      const all = (await get(`/series?name=${CPU.name}`)).json();
      expect(all).toMatchObject({ limit: 100, offset: 0 });
      expect(all.series.map((s: { labels: Record<string, string> }) => s.labels['host.name']).sort()).toEqual([
        ...HOSTS,
      ]);
      const page = (await get(`/series?name=${CPU.name}&limit=1&offset=1`)).json();
      expect(page.series).toHaveLength(1);
      expect(page.series[0].id).toBe(all.series[1].id);
      expect((await get(`/series?host=web-1&name=${CPU.name}`)).json().series).toHaveLength(1);
      expect((await get('/series?host=web-1')).json().series).toHaveLength(2);
      expect((await get('/series?limit=100000')).json()).toMatchObject({
        error: 'invalid_parameter',
        details: { param: 'limit' },
      });
    });

    it('lists label names and values', async () => {
      const names = (await get('/labels')).json().labels;
      expect(names).toEqual(expect.arrayContaining(['env', 'host.name', 'service.name']));
      expect((await get('/labels/host.name/values')).json()).toEqual({
        label: 'host.name',
        values: ['sensor-1', 'web-1', 'web-2'],
      });
      expect((await get(`/labels/host.name/values?metric=${CPU.name}`)).json().values).toEqual(['web-1', 'web-2']);
      expect((await get(`/labels/env/values?metric=${CPU.name}&host=web-2`)).json()).toEqual({
        label: 'env',
        values: ['staging'],
      });
    });
  });

  describe('health', () => {
    it('is alive and ready', async () => {
      expect((await get('/healthz')).json()).toMatchObject({ status: 'ok', version: '0.1.0' });
      const ready = await get('/readyz');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
    });
  });
});
