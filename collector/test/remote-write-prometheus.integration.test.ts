/**
 * A real Prometheus (Debian's `prometheus` package) scrapes a tiny target this
 * test serves, with known gauge values, and remote-writes into the collector:
 * the series arrive in storage with Prometheus's job/instance labels and the
 * exact values, and the API's real `GET /metrics?name=…` route (buildApp on the
 * same database) returns them.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '@hydra/api';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPrometheus, type RunningPrometheus } from '../../cli/test/prometheus-fixture.ts';
import { startPipeline, storedSamples, type Pipeline, type StoredSample } from './helpers/pipeline.ts';

const JOB = 'hydra-rw-target';
const METRIC = 'hydra_rw_room_temperature';
const EXPOSITION = [`# TYPE ${METRIC} gauge`, `${METRIC}{room="a"} 21.5`, `${METRIC}{room="b"} -3.25`, ''].join('\n');
const POLL_MS = 250;
const ARRIVAL_TIMEOUT_MS = 20_000;

/** One backend is enough here: the receiver suite covers both. */
const backend = testBackends({ timescaledb: false }).at(-1)!;

/** The part of GET /metrics's RangeResult this test reads. */
interface RangeBody {
  stepSeconds: number | null;
  series: {
    metric: string;
    kind: string;
    temporality: string;
    monotonic: boolean;
    labels: Record<string, string>;
    points: [number, number | null][];
  }[];
}

describe(`a real Prometheus remote-writing into the collector (${backend})`, () => {
  let p: Pipeline;
  let target: Server;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    p = await startPipeline(backend);
    target = createServer((request, response) => {
      response.writeHead(request.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(request.url === '/metrics' ? EXPOSITION : '');
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    const targetPort = (target.address() as AddressInfo).port;
    const config = [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      `  - job_name: ${JOB}`,
      '    static_configs:',
      `      - targets: ['127.0.0.1:${targetPort}']`,
      'remote_write:',
      `  - url: ${p.collector.httpUrl}/api/v1/write`,
      '    queue_config:',
      '      batch_send_deadline: 1s',
      '      min_backoff: 100ms',
      '      max_backoff: 1s',
      '',
    ].join('\n');
    prometheus = await spawnPrometheus(config);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    target?.close();
    await p?.close();
  }, 30_000);

  it('stores the scraped gauges with job/instance labels and exact values', async () => {
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    let stored: StoredSample[] = [];
    while (Date.now() < deadline) {
      stored = await storedSamples(p.db, METRIC);
      if (new Set(stored.map((s) => s.labels.room)).size === 2) break;
      if (prometheus?.child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    expect(prometheus?.child.exitCode, `prometheus exited:\n${prometheus?.log()}`).toBeNull();
    expect(new Set(stored.map((s) => s.labels.room)), `prometheus log:\n${prometheus?.log()}`).toEqual(
      new Set(['a', 'b']),
    );
    const instance = (target.address() as AddressInfo).port;
    for (const s of stored) {
      expect(s).toMatchObject({ kind: 'gauge', temporality: 'unspecified', monotonic: false });
      expect(s.labels).toEqual({ job: JOB, instance: `127.0.0.1:${instance}`, room: s.labels.room });
      expect(s.value).toBe(s.labels.room === 'a' ? 21.5 : -3.25);
      expect(Math.abs(s.timeUs / 1000 - Date.now())).toBeLessThan(ARRIVAL_TIMEOUT_MS + 5_000);
    }
    // the same series through the API's real route, as a user of hydra reads them
    const app = await buildApp({ db: p.db, auth: { mode: 'off' } });
    try {
      const res = await app.inject({ method: 'GET', url: `/metrics?name=${METRIC}&from=now-5m` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<RangeBody>();
      expect(body.stepSeconds).toBeNull();
      expect(body.series.map((s) => s.labels.room).sort()).toEqual(['a', 'b']);
      for (const s of body.series) {
        const value = s.labels.room === 'a' ? 21.5 : -3.25;
        expect(s).toMatchObject({ metric: METRIC, kind: 'gauge', temporality: 'unspecified', monotonic: false });
        expect(s.labels).toEqual({ job: JOB, instance: `127.0.0.1:${instance}`, room: s.labels.room });
        expect(s.points.length).toBeGreaterThan(0);
        for (const [t, v] of s.points) {
          expect(v).toBe(value);
          expect(Math.abs(t - Date.now())).toBeLessThan(5 * 60_000);
        }
        // every point the route returns is a point remote write stored, at the same millisecond
        const storedTimes = stored.filter((x) => x.labels.room === s.labels.room).map((x) => x.timeUs / 1000);
        expect(s.points.map(([t]) => t)).toEqual(expect.arrayContaining(storedTimes));
      }
      // selecting by a Prometheus label works through the route's matchers
      const one = await app.inject({
        method: 'GET',
        url: `/metrics?name=${METRIC}&from=now-5m&match=${encodeURIComponent(`job="${JOB}"`)}&match=room=b`,
      });
      expect(one.statusCode, one.body).toBe(200);
      expect(one.json<RangeBody>().series.map((s) => s.labels)).toEqual([
        { job: JOB, instance: `127.0.0.1:${instance}`, room: 'b' },
      ]);
    } finally {
      await app.close();
    }
    const up = await storedSamples(p.db, 'up');
    expect(up.length).toBeGreaterThan(0);
    expect(up[0]!.labels.job).toBe(JOB);
  }, 30_000);
});
