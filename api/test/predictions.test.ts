/**
 * GET /predictions through buildApp on a real database: the forecast job's
 * stored forecast is served when fresh, a forecast is computed on request
 * otherwise, time-to-threshold says "within horizon" / "not within horizon",
 * the on-demand ceiling and bad parameters are 400s naming the limit or the
 * parameter, the route needs metrics:read and is in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  BatchWriter,
  Database,
  migrate,
  SeriesRegistry,
  seriesByIds,
  type SamplePoint,
  type SeriesRef,
} from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService, runForecastJob, runInline, type ForecastRunner } from '@hydra/analysis';
import type { PredictionsBody } from '@hydra/contract';
import { buildApp } from '../src/index.ts';
import { DEFAULT_PREDICTION_LIMITS, predict } from '../src/routes/predictions/answer.ts';

const MINUTE = 60_000;
const STEP = 5 * MINUTE;
/** Three days at one point every 5 minutes. */
const POINTS = 3 * 288;
const DISK = 'system.filesystem.utilization';
const QUEUE = 'queue.depth';
const SECRET = 'predictions-test-secret-that-is-32-bytes-or-more';

const gauge = (name: string): SeriesRef['metric'] => ({
  name,
  kind: 'gauge',
  unit: '1',
  temporality: 'unspecified',
  monotonic: false,
});
const wobble = (i: number) => Math.sin((2 * Math.PI * i) / 288) + 0.3 * Math.sin(i * 12.9898);
/** Deterministic white noise in [-1, 1). */
const hashNoise = (i: number) => {
  const x = Math.sin(i * 12.9898 + 4.1414) * 43_758.5453;
  return 2 * (x - Math.floor(x)) - 1;
};
/** web-4 fills 0.15 a day and is at 0.85 now; web-1 holds at 0.3 (noise only). */
const disk = (host: string, i: number) =>
  host === 'web-4' ? 0.85 - (0.15 * (POINTS - 1 - i)) / 288 + 0.002 * wobble(i) : 0.3 + 0.01 * hashNoise(i);

describe.each(testBackends())('GET /predictions on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let app: FastifyInstance;
  const ids = new Map<string, number>();

  const get = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/predictions?${query}` });
    return {
      status: res.statusCode,
      body: res.json() as PredictionsBody & { error?: string; details?: Record<string, unknown> },
    };
  };

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    const now = Date.now();
    const last = Math.floor(now / STEP) * STEP - STEP;
    const refs = [
      ...['web-1', 'web-4'].map((host) => ({ metric: gauge(DISK), labels: { 'host.name': host } })),
      // Twelve short series: more than the on-demand ceiling, none with a stored forecast.
      ...Array.from({ length: 12 }, (_, k) => ({ metric: gauge(QUEUE), labels: { queue: `q${k}` } })),
    ];
    const resolved = await new SeriesRegistry(db).resolve(refs);
    resolved.forEach((id, k) => {
      if (typeof id !== 'number') throw new Error(`series refused: ${JSON.stringify(id)}`);
      ids.set(k < 2 ? ['web-1', 'web-4'][k]! : `q${k - 2}`, id);
    });
    const samples: SamplePoint[] = [];
    for (let i = 0; i < POINTS; i++) {
      const timeUs = (last - (POINTS - 1 - i) * STEP) * 1000;
      for (const host of ['web-1', 'web-4']) samples.push({ seriesId: ids.get(host)!, timeUs, value: disk(host, i) });
      if (i >= POINTS - 3) for (let k = 0; k < 12; k++) samples.push({ seriesId: ids.get(`q${k}`)!, timeUs, value: k });
    }
    const writer = new BatchWriter(db);
    writer.start();
    await writer.write({ samples, histograms: [], expHistograms: [] });
    await writer.shutdown();
    const monitor = {
      key: 'default/disk',
      name: 'disk',
      namespace: 'default',
      spec: parseMonitorSpec({
        selector: { metric: DISK },
        forecast: { enabled: true, horizon: '24h', thresholds: [{ value: 0.9 }] },
      }),
    };
    await runForecastJob({ db, alerts: new AlertService({ db }), monitor, now });
    app = await buildApp({ db, auth: { mode: 'off' } });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await test?.close();
  });

  it('serves the stored forecast with band, model, fit quality and the time to 0.9', async () => {
    const { status, body } = await get(`series=${ids.get('web-4')}&threshold=0.9&threshold=2`);
    expect(status).toBe(200);
    expect(body.predictions).toHaveLength(1);
    const p = body.predictions[0]!;
    expect(p).toMatchObject({ source: 'stored', monitor: 'default/disk', level: 0.95, stepSeconds: 1800 });
    expect(p.series).toMatchObject({ id: ids.get('web-4'), metric: DISK, labels: { 'host.name': 'web-4' } });
    expect(p.model).toMatch(/\w/);
    expect(p.fit.holdoutMase).not.toBeNull();
    expect(p.points.length).toBeGreaterThanOrEqual(47);
    expect(p.points.at(-1)!.time).toBeLessThanOrEqual(body.now + 24 * 3_600_000);
    for (const pt of p.points) expect(pt.lower!).toBeLessThanOrEqual(pt.mean!);
    const [soon, never] = p.thresholds;
    expect(soon).toMatchObject({ threshold: 0.9, direction: 'above', status: 'within_horizon', suppressed: null });
    expect(soon!.early!.at).toBeLessThanOrEqual(soon!.mean!.at);
    // 0.85 rising 0.15 a day: the mean reaches 0.9 about 8 hours ahead.
    expect(soon!.mean!.inSeconds / 3600).toBeGreaterThan(5);
    expect(soon!.mean!.inSeconds / 3600).toBeLessThan(11);
    expect(soon!.message).toMatch(/^reaches 0\.9 in \d+h/);
    expect(never).toMatchObject({ threshold: 2, status: 'not_within_horizon', mean: null, early: null, late: null });
    expect(never!.message).toMatch(/^not within the horizon/);
  });

  it('selects by name and host, and answers "not within horizon" for the steady disk', async () => {
    const { status, body } = await get(`name=${DISK}&host=web-1&threshold=0.9&direction=above`);
    expect(status).toBe(200);
    expect(body.predictions.map((p) => p.series.labels['host.name'])).toEqual(['web-1']);
    expect(body.predictions[0]!.thresholds[0]!.status).toBe('not_within_horizon');
  });

  it('computes a forecast on request when the stored one does not fit (another level)', async () => {
    const { status, body } = await get(`series=${ids.get('web-4')}&level=0.8&horizon=6h&threshold=0.9`);
    expect(status).toBe(200);
    const p = body.predictions[0]!;
    expect(p).toMatchObject({ source: 'computed', monitor: null, level: 0.8 });
    expect(body.horizonSeconds).toBe(6 * 3600);
    expect(p.points.at(-1)!.time).toBeLessThanOrEqual(body.now + 6 * 3_600_000);
  });

  it('fits the forecasts it computes on the runner it is given (the worker pool under hydra)', async () => {
    const batches: number[] = [];
    const counting: ForecastRunner = async (tasks, signal) => {
      batches.push(tasks.length);
      return runInline(tasks, signal);
    };
    const request = {
      series: await seriesByIds(db, [ids.get('web-1')!, ids.get('web-4')!]),
      thresholds: [{ value: 0.9, direction: 'above' as const }],
      horizonMs: 6 * 3_600_000,
      level: 0.8,
      now: Date.now(),
    };
    const viaRunner = await predict(db, request, { ...DEFAULT_PREDICTION_LIMITS, inlineMaxSeries: 0 }, counting);
    expect(batches).toEqual([2]);
    expect(viaRunner.predictions.map((p) => p.source)).toEqual(['computed', 'computed']);
    // A request of no more than inlineMaxSeries fits on this thread, as the forecast job's small pages do.
    await predict(db, request, DEFAULT_PREDICTION_LIMITS, counting);
    expect(batches).toEqual([2]);
  });

  it('refuses to compute more series than the ceiling, naming the limit', async () => {
    const { status, body } = await get(`name=${QUEUE}`);
    expect(status).toBe(400);
    expect(body.error).toBe('query_too_large');
    expect(body.details).toMatchObject({ limit: 'maxOnDemandSeries', max: 10, requested: 12 });
  });

  it('lists series it cannot forecast as unavailable, with the reason', async () => {
    const { status, body } = await get(`name=${QUEUE}&match=queue="q1"`);
    expect(status).toBe(200);
    expect(body.predictions).toHaveLength(0);
    expect(body.unavailable[0]!.reason).toMatch(/fewer than 4/);
  });

  it('answers 404 for a series id that does not exist (was 200 with nothing in it)', async () => {
    const { status, body } = await get('series=987654321');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: 'not_found', details: { resource: 'series', id: 987654321 } });
  });

  it.each([
    ['threshold=0.9', 'series'],
    [`series=1&name=${DISK}`, 'series'],
    [`name=${DISK}&threshold=1&threshold=2&direction=above&direction=below&direction=above`, 'direction'],
    [`name=${DISK}&horizon=90d`, 'horizon'],
    [`name=${DISK}&horizon=soon`, 'horizon'],
  ])('refuses %s naming %s', async (query, param) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.details).toMatchObject({ param });
  });

  it('needs metrics:read when authentication is on, and is in the OpenAPI document', async () => {
    const secured = await buildApp({ db, auth: { mode: 'on', jwtSecret: SECRET } });
    try {
      const res = await secured.inject({ method: 'GET', url: `/predictions?series=${ids.get('web-4')}` });
      expect(res.statusCode).toBe(401);
      const doc = (await secured.inject({ method: 'GET', url: '/docs/json' })).json() as {
        paths: Record<string, Record<string, { description?: string }>>;
      };
      expect(doc.paths['/predictions']?.get?.description).toMatch(/metrics:read/);
    } finally {
      await secured.close();
    }
  });
});
