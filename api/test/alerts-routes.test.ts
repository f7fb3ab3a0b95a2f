/**
 * The alert, silence and analytics routes through `app.inject()` on a real
 * database: filters, paging and history on GET /alerts, the explanation and
 * history of one alert, acknowledge, silences CRUD, the alerts:write scope,
 * errors from the catalogue, trends over the fixture's series and stored
 * anomaly scores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { ScorePartitions, writeScores } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { AlertService } from '@hydra/analysis';
import { buildApp } from '../src/index.ts';
import { HS256_SECRET, openFixture, POINT_INTERVAL_MS, POINTS_PER_SERIES, type Fixture } from './fixtures.ts';

const MINUTE = 60_000;

function token(scope: string): Promise<string> {
  return new SignJWT({ scope, sub: 'tester' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(HS256_SECRET));
}

describe.each(testBackends())('alert and analytics routes on %s', (backend) => {
  let fx: Fixture;
  let app: FastifyInstance;
  let secured: FastifyInstance;
  let alerts: AlertService;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    fx = await openFixture(backend);
    alerts = new AlertService({ db: fx.db });
    app = await buildApp({ db: fx.db, auth: { mode: 'off' }, alerts });
    secured = await buildApp({ db: fx.db, auth: { mode: 'on', jwtSecret: HS256_SECRET }, alerts });
    const raise = (monitor: string, host: string, severity: 'warning' | 'critical', minutesAgo: number) =>
      alerts.raise({
        kind: 'anomaly',
        monitor,
        metric: 'system.cpu.utilization',
        labels: { 'host.name': host },
        time: fx.now - minutesAgo * MINUTE,
        severity,
        summary: `cpu of ${host} is high`,
        explanation: { observed: 0.9, expected: 0.4, lower: 0.3, upper: 0.5, score: 0.97, detector: 'ensemble' },
      });
    ids.web1 = (await raise('default/cpu', 'web-1', 'critical', 30)).id;
    ids.web2 = (await raise('default/cpu', 'web-2', 'warning', 20)).id;
    ids.mem = (await raise('default/memory', 'web-1', 'warning', 10)).id;
    await alerts.resolve({
      kind: 'anomaly',
      monitor: 'default/memory',
      metric: 'system.cpu.utilization',
      labels: { 'host.name': 'web-1' },
      time: fx.now - 5 * MINUTE,
    });
    // scores for /analytics/anomalies and the trend anomaly count: series 1 (web-1), the last 10 points
    const rows = Array.from({ length: 10 }, (_, i) => ({
      seriesId: 1,
      time: fx.now - (10 - i) * POINT_INTERVAL_MS,
      value: 0.1 + (POINTS_PER_SERIES - 10 + i) / 1000,
      score: i === 9 ? 0.9 : 0.1,
      expected: 0.25,
      lower: 0.2,
      upper: 0.3,
    }));
    await new ScorePartitions(fx.db).ensureFor(rows.map((r) => r.time));
    await writeScores(fx.db, 'default/cpu', rows);
  });
  afterAll(async () => {
    await app?.close();
    await secured?.close();
    await fx?.close();
  });

  it('GET /alerts lists the active alerts, newest first, with their explanation', async () => {
    const res = await app.inject({ method: 'GET', url: '/alerts' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.alerts.map((a: { id: number }) => a.id)).toEqual([ids.web2, ids.web1]);
    expect(body.alerts[1]).toMatchObject({
      state: 'firing',
      severity: 'critical',
      monitor: 'default/cpu',
      kind: 'anomaly',
      labels: { 'host.name': 'web-1', __name__: 'system.cpu.utilization', alertname: 'HydraAnomaly' },
      explanation: { observed: 0.9, expected: 0.4, lower: 0.3, upper: 0.5, score: 0.97, detector: 'ensemble' },
      startsAt: new Date(fx.now - 30 * MINUTE).toISOString(),
      acknowledged: null,
    });
  });

  it('filters by state, severity, monitor, host and time; pages; history=true adds resolved ones', async () => {
    const get = async (qs: string) => (await app.inject({ method: 'GET', url: `/alerts?${qs}` })).json();
    expect((await get('severity=critical')).alerts.map((a: { id: number }) => a.id)).toEqual([ids.web1]);
    expect((await get('host=web-2')).alerts.map((a: { id: number }) => a.id)).toEqual([ids.web2]);
    expect((await get('monitor=default/memory')).total).toBe(0);
    expect((await get('monitor=default/memory&history=true')).alerts[0]).toMatchObject({
      id: ids.mem,
      state: 'resolved',
    });
    expect((await get('state=resolved')).total).toBe(1);
    expect((await get('history=true')).total).toBe(3);
    expect((await get(`history=true&to=${fx.now - 25 * MINUTE}`)).alerts.map((a: { id: number }) => a.id)).toEqual([
      ids.web1,
    ]);
    expect((await get('history=true&from=now-1m')).total).toBe(2);
    const page = await get('history=true&limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.alerts).toHaveLength(1);
  });

  it('refuses bad parameters with the catalogue errors', async () => {
    const bad = await app.inject({ method: 'GET', url: '/alerts?state=sleeping' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('invalid_request');
    const time = await app.inject({ method: 'GET', url: '/alerts?from=yesterday' });
    expect(time.json()).toMatchObject({ error: 'invalid_parameter', details: { param: 'from' } });
    const unknown = await app.inject({ method: 'GET', url: '/alerts?sevrity=critical' });
    expect(unknown.statusCode).toBe(400);
  });

  it('GET /alerts/{id} shows the history; 404 for an unknown id', async () => {
    const res = await app.inject({ method: 'GET', url: `/alerts/${ids.mem}` });
    expect(res.json().history.map((e: { event: string }) => e.event)).toEqual(['firing', 'resolved']);
    const missing = await app.inject({ method: 'GET', url: '/alerts/999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', message: 'alert 999999 does not exist' });
  });

  it('POST /alerts/{id}/ack records who and why (the token subject when auth is on); needs alerts:write', async () => {
    const url = `/alerts/${ids.web2}/ack`;
    const noScope = await secured.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${await token('metrics:read metrics:write')}` },
      payload: { by: 'alice' },
    });
    expect(noScope.statusCode).toBe(403);
    expect(noScope.json()).toMatchObject({ error: 'forbidden', details: { scope: 'alerts:write' } });
    const ok = await secured.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${await token('alerts:write')}` },
      payload: { by: 'alice', comment: 'on it' },
    });
    expect(ok.statusCode).toBe(200);
    // the body's `by` cannot speak for someone else: the token's subject is recorded
    expect(ok.json().acknowledged).toMatchObject({ by: 'tester', comment: 'on it' });
    const read = await secured.inject({
      method: 'GET',
      url: `/alerts/${ids.web2}`,
      headers: { authorization: `Bearer ${await token('metrics:read')}` },
    });
    expect(read.json().history.at(-1)).toMatchObject({
      event: 'acknowledged',
      message: 'acknowledged by tester: on it',
    });
    // with authentication off the body's `by` is all there is
    const open = await app.inject({ method: 'POST', url: `/alerts/${ids.web1}/ack`, payload: { by: 'alice' } });
    expect(open.json().acknowledged).toMatchObject({ by: 'alice' });
    expect((await app.inject({ method: 'POST', url: '/alerts/999999/ack', payload: {} })).statusCode).toBe(404);
  });

  it('silences: create, list active, delete (expire), with validation', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/silences',
      payload: {
        matchers: [{ name: 'host.name', op: '=~', value: 'web-.*' }],
        endsAt: 'now-0s',
        createdBy: 'ops',
        comment: 'deploy',
      },
    });
    expect(created.statusCode).toBe(400);
    expect(created.json()).toMatchObject({ error: 'invalid_parameter', details: { param: 'endsAt' } });
    const badRegex = await app.inject({
      method: 'POST',
      url: '/silences',
      payload: {
        matchers: [{ name: 'host.name', op: '=~', value: '(web' }],
        endsAt: String(Date.now() + 3_600_000),
        createdBy: 'ops',
        comment: 'deploy',
      },
    });
    expect(badRegex.json()).toMatchObject({ error: 'invalid_parameter', details: { param: 'matchers' } });
    const lookahead = await app.inject({
      method: 'POST',
      url: '/silences',
      payload: {
        matchers: [{ name: 'host.name', op: '=~', value: '(?!web-1).*' }],
        endsAt: String(Date.now() + 3_600_000),
        createdBy: 'ops',
        comment: 'deploy',
      },
    });
    expect(lookahead.statusCode).toBe(400);
    expect(lookahead.json().message).toContain(`'host.name=~"(?!web-1).*"'`);
    const ok = await app.inject({
      method: 'POST',
      url: '/silences',
      payload: {
        matchers: [{ name: 'host.name', op: '=~', value: 'web-.*' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'ops',
        comment: 'deploy',
      },
    });
    expect(ok.statusCode).toBe(201);
    const silence = ok.json();
    expect(silence).toMatchObject({ createdBy: 'ops', comment: 'deploy', active: true, expiredAt: null });
    const listed = (await app.inject({ method: 'GET', url: '/silences' })).json();
    expect(listed.silences.map((s: { id: number }) => s.id)).toEqual([silence.id]);
    const deleted = await app.inject({ method: 'DELETE', url: `/silences/${silence.id}` });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toMatchObject({ id: silence.id, active: false });
    expect((await app.inject({ method: 'GET', url: '/silences' })).json().silences).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/silences?all=true' })).json().silences).toHaveLength(1);
    expect((await app.inject({ method: 'DELETE', url: '/silences/999999' })).statusCode).toBe(404);
    const forbidden = await secured.inject({
      method: 'DELETE',
      url: `/silences/${silence.id}`,
      headers: { authorization: `Bearer ${await token('metrics:write')}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const attributed = await secured.inject({
      method: 'POST',
      url: '/silences',
      headers: { authorization: `Bearer ${await token('alerts:write')}` },
      payload: {
        matchers: [{ name: 'host.name', op: '=', value: 'web-9' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'someone-else',
        comment: 'maintenance',
      },
    });
    expect(attributed.statusCode).toBe(201);
    expect(attributed.json()).toMatchObject({ createdBy: 'tester' });
  });

  it('GET /analytics/trends gives avg, min, max, p95, stddev, slope, change and anomaly count per metric and host', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/analytics/trends?name=system.cpu.utilization&window=10m&to=${fx.now}`,
    });
    expect(res.statusCode).toBe(200);
    const { trends, windowSeconds } = res.json();
    expect(windowSeconds).toBe(600);
    expect(trends.map((t: { host: string }) => t.host)).toEqual(['web-1', 'web-2']);
    const web1 = trends[0];
    // points i = 120..179 fall in the last 10 minutes: values 0.1 + i/1000 (the one at `to` itself is not written)
    const first = 0.1 + (POINTS_PER_SERIES - 60) / 1000;
    const last = 0.1 + (POINTS_PER_SERIES - 1) / 1000;
    expect(web1.count).toBe(60);
    expect(web1.min).toBeCloseTo(first, 9);
    expect(web1.max).toBeCloseTo(last, 9);
    expect(web1.avg).toBeCloseTo((first + last) / 2, 9);
    expect(web1.slope).toBeCloseTo(0.001 / (POINT_INTERVAL_MS / 1000), 9);
    expect(web1.previousAvg).toBeCloseTo(web1.avg - 0.06, 9);
    expect(web1.change).toBeCloseTo(0.06 / (web1.avg - 0.06), 6);
    expect(web1.p95).toBeGreaterThan(web1.avg);
    expect(web1.stddev).toBeGreaterThan(0);
    expect(web1.anomalies).toBe(1);
    expect(trends[1].anomalies).toBe(0);
    const tooLong = await app.inject({ method: 'GET', url: '/analytics/trends?window=30d' });
    expect(tooLong.json()).toMatchObject({ error: 'invalid_parameter', details: { param: 'window' } });
  });

  it('GET /analytics/anomalies gives the stored scores, expected values and bands of a series', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/analytics/anomalies?series=1&from=${fx.now - 5 * MINUTE}&to=${fx.now}`,
    });
    expect(res.statusCode).toBe(200);
    const { points } = res.json();
    expect(points).toHaveLength(10);
    expect(points.at(-1)).toMatchObject({ monitor: 'default/cpu', score: 0.9, expected: 0.25, lower: 0.2, upper: 0.3 });
    const missing = await app.inject({ method: 'GET', url: '/analytics/anomalies' });
    expect(missing.statusCode).toBe(400);
  });
});
