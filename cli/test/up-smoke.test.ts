/**
 * `hydra up` end to end: a fresh data directory and random ports; the seeded
 * history and the live demo workload (the real OpenTelemetry SDK exporting
 * to the collector) are served by GET /metrics; hydra's own metrics are on
 * the exports port, every histogram named with its unit and bucketed in it;
 * SIGINT stops everything and the process exits 0. Every line on stderr is a
 * JSON log line, without a key twice.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RangeResult } from '@hydra/storage';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHydraUp, waitFor, type HydraProcess } from './helpers.ts';
import { logLines } from './log-lines.ts';

const STARTUP_TIMEOUT_MS = 90_000;

/**
 * Histogram units by name suffix (Prometheus naming: the base unit last), with the range of finite bucket bounds
 * that unit allows: a seconds histogram on the SDK's millisecond-scale defaults (0, 5 … 10000) fails both ends.
 */
const HISTOGRAM_UNITS: Record<string, { smallestAtMost: number; largestAtMost: number }> = {
  _seconds: { smallestAtMost: 0.1, largestAtMost: 3600 },
  _bytes: { smallestAtMost: 1024, largestAtMost: 1e12 },
};
/** hydra's own histograms that have observations once the demo's exports were written and the API answered. */
const REQUEST_HISTOGRAMS = [
  'hydra_collector_request_duration_seconds',
  'hydra_storage_writer_batch_duration_seconds',
  'hydra_api_request_duration_seconds',
];

/** Histogram families of an exposition: name → the distinct finite `le` bounds of its buckets. */
function histograms(exposition: string): Map<string, number[]> {
  const out = new Map<string, Set<number>>();
  for (const [, name] of exposition.matchAll(/^# TYPE (\S+) histogram$/gm)) out.set(name!, new Set());
  for (const [, name, le] of exposition.matchAll(/^(\S+)_bucket\{.*\ble="([^"]+)"/gm)) {
    if (le !== '+Inf') out.get(name!)?.add(Number(le));
  }
  return new Map([...out].map(([name, bounds]) => [name, [...bounds].sort((a, b) => a - b)]));
}

/** Fails naming the histogram whose name has no unit suffix or whose buckets are not in its unit. */
function expectHistogramsInTheirUnits(found: Map<string, number[]>): void {
  for (const [name, bounds] of found) {
    const suffix = Object.keys(HISTOGRAM_UNITS).find((u) => name.endsWith(u));
    expect(suffix, `${name}: no unit suffix (${Object.keys(HISTOGRAM_UNITS).join(', ')})`).toBeDefined();
    const unit = HISTOGRAM_UNITS[suffix!]!;
    const nonZero = bounds.filter((b) => b > 0);
    expect(nonZero.length, `${name}: no finite buckets`).toBeGreaterThan(0);
    expect(nonZero[0], `${name}: buckets ${bounds.join(', ')} too coarse for ${suffix}`).toBeLessThanOrEqual(
      unit.smallestAtMost,
    );
    expect(bounds.at(-1), `${name}: buckets ${bounds.join(', ')} too large for ${suffix}`).toBeLessThanOrEqual(
      unit.largestAtMost,
    );
  }
}
const SHUTDOWN_TIMEOUT_MS = 20_000;

describe('hydra up', () => {
  let dataDir: string | undefined;
  let up: HydraProcess | undefined;
  afterAll(async () => {
    up?.child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'serves seeded and live demo series, then exits 0 on SIGINT',
    { timeout: STARTUP_TIMEOUT_MS + SHUTDOWN_TIMEOUT_MS + 10_000 },
    async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-up-'));
      const started = Date.now();
      const hydra = await spawnHydraUp({ dataDir, env: { HYDRA_AUTH: 'auto' } });
      up = hydra.up;
      const { apiUrl } = hydra;
      const exportsPort = hydra.ports.metrics;
      const cpu = async (from: string) => {
        const res = await fetch(`${apiUrl}/metrics?name=system.cpu.utilization&from=${from}`);
        return res.ok ? ((await res.json()) as RangeResult) : undefined;
      };

      const live = await waitFor(
        'a live demo point for every host',
        async () => {
          const r = await cpu(String(started));
          return r && r.series.length === 4 && r.series.every((s) => s.points.length > 0) ? r : undefined;
        },
        STARTUP_TIMEOUT_MS,
        500,
      );
      console.log(`hydra up served live demo series ${((Date.now() - started) / 1000).toFixed(1)} s after spawn`);
      expect(live.series.map((s) => s.labels['host.name']).sort()).toEqual(['web-1', 'web-2', 'web-3', 'web-4']);
      expect(live.series[0]!.labels).toMatchObject({ 'service.name': 'demo-shop', 'otel.scope.name': 'hydra-demo' });

      // Seeded history and live data land in the same series: one per host, no look-alikes.
      const history = await cpu('now-1d');
      expect(history!.series).toHaveLength(4);
      const web1 = history!.series.find((s) => s.labels['host.name'] === 'web-1')!;
      expect(web1.points.length).toBeGreaterThan(1_400); // a day at 60 s, plus the live points
      expect(web1.points.at(-1)![0]).toBeGreaterThanOrEqual(started);
      for (const name of [
        'http.server.request.duration_count',
        'system.filesystem.utilization',
        'system.memory.usage',
      ]) {
        const res = await fetch(`${apiUrl}/metrics?name=${name}&from=now-1d&step=1h&aggregation=last`);
        expect(((await res.json()) as RangeResult).series, name).toHaveLength(4);
      }
      const latency = (await (
        await fetch(`${apiUrl}/metrics?name=http.server.request.duration&from=now-1d`)
      ).json()) as RangeResult;
      expect(latency.series).toHaveLength(4);
      expect(latency.series[0]!.histograms!.at(-1)!.t).toBeGreaterThanOrEqual(started);

      // The seed catches up to the wall clock, so the live points above may still be seeded ones: wait for the
      // demo workload's first OTLP export to be answered by the collector (every 5 s) before reading its own
      // metrics. Points are counted on arrival, the request's duration once it is answered, after the commit.
      const exported = await waitFor(
        "the collector's count of points received over OTLP and of answered requests",
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${exportsPort}/metrics`)).text();
          return /^hydra_collector_points_received_total(\{[^}]*\})? [1-9]/m.test(text) &&
            /^hydra_collector_request_duration_seconds_count(\{[^}]*\})? [1-9]/m.test(text)
            ? text
            : undefined;
        },
        STARTUP_TIMEOUT_MS,
        500,
      );
      const found = histograms(exported);
      expect([...found.keys()]).toEqual(expect.arrayContaining(REQUEST_HISTOGRAMS));
      expectHistogramsInTheirUnits(found);

      up.child.kill('SIGINT');
      const code = await Promise.race([
        up.exited,
        new Promise((r) => setTimeout(() => r('still running'), SHUTDOWN_TIMEOUT_MS)),
      ]);
      expect(code, up.output()).toBe(0);

      // stderr is JSON lines only, no key twice: the log stack's parser never meets anything else.
      const logs = logLines(up.stderr());
      expect(
        logs.find(
          (l) => l.component === 'api' && l.msg === 'request completed' && String(l.url).startsWith('/metrics'),
        ),
      ).toMatchObject({ statusCode: 200, reqId: expect.any(String) });
      // the demo's accepted exports are counted, not logged at info
      expect(logs.filter((l) => l.component === 'collector' && l.msg === 'request completed')).toEqual([]);
      expect(logs.at(-1)).toMatchObject({ component: 'up', msg: 'stopped' });
    },
  );
});
