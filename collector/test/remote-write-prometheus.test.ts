/**
 * A real Prometheus (Debian's `prometheus` package) scrapes a tiny target this
 * test serves, with known gauge values, and remote-writes into the collector:
 * the series arrive in storage with Prometheus's job/instance labels and the
 * exact values, and the API's real `GET /metrics?name=…` route (buildApp on the
 * same database) returns them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '@hydra/api';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, storedSamples, type Pipeline, type StoredSample } from './helpers/pipeline.ts';

const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? 'prometheus';
const JOB = 'hydra-rw-target';
const METRIC = 'hydra_rw_room_temperature';
const EXPOSITION = [`# TYPE ${METRIC} gauge`, `${METRIC}{room="a"} 21.5`, `${METRIC}{room="b"} -3.25`, ''].join('\n');
const POLL_MS = 250;
const ARRIVAL_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** One backend is enough here: the receiver suite covers both. */
const backend = testBackends().at(-1)!;

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
  let prometheus: ChildProcess | undefined;
  let dir: string;
  let prometheusLog = '';

  beforeAll(async () => {
    p = await startPipeline(backend);
    target = createServer((request, response) => {
      response.writeHead(request.url === '/metrics' ? 200 : 404, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(request.url === '/metrics' ? EXPOSITION : '');
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    const targetPort = (target.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'hydra-prometheus-'));
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
    await writeFile(join(dir, 'prometheus.yml'), config);
    prometheus = spawn(
      PROMETHEUS_BINARY,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--web.listen-address=127.0.0.1:0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus.stderr?.on('data', (chunk: Buffer) => {
      prometheusLog = (prometheusLog + chunk.toString('utf8')).slice(-20_000);
    });
  }, 60_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus?.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    target?.close();
    await p?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('stores the scraped gauges with job/instance labels and exact values', async () => {
    const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
    let stored: StoredSample[] = [];
    while (Date.now() < deadline) {
      stored = await storedSamples(p.db, METRIC);
      if (new Set(stored.map((s) => s.labels.room)).size === 2) break;
      if (prometheus?.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    expect(prometheus?.exitCode, `prometheus exited:\n${prometheusLog}`).toBeNull();
    expect(new Set(stored.map((s) => s.labels.room)), `prometheus log:\n${prometheusLog}`).toEqual(new Set(['a', 'b']));
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
