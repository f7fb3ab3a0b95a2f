/**
 * An acknowledged point is never lost: `hydra collector` runs as a child
 * process, many concurrent requests with distinct values stream into it, it
 * is SIGKILLed mid-stream, and every value that got a 200 must be in the
 * database.
 */
import { freePort } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, spawnHydra, waitFor, type HydraProcess, type TestStack } from './helpers.ts';

const CONCURRENT_SENDERS = 16;
const KILL_AFTER_ACKS = 1_000;
/** Points per request, each with its own value. */
const POINTS_PER_REQUEST = 10;
const METRIC = 'kill.test.value';

describe.each(testBackends())('hydra collector killed mid-stream (%s)', (backend) => {
  let stack: TestStack;
  let collector: HydraProcess | undefined;
  beforeAll(async () => {
    stack = await openTestStack(backend);
  });
  afterAll(async () => {
    collector?.child.kill('SIGKILL');
    await stack?.close();
  });

  it('keeps every point it acknowledged', async () => {
    const [httpPort, grpcPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
    collector = spawnHydra(['collector'], {
      DATABASE_URL: stack.testDb.url,
      HYDRA_AUTH: 'off',
      HYDRA_HOST: '127.0.0.1',
      HYDRA_OTLP_HTTP_PORT: String(httpPort),
      HYDRA_OTLP_GRPC_PORT: String(grpcPort),
      HYDRA_METRICS_PORT: String(metricsPort),
      HYDRA_WRITER_FLUSH_MS: '20',
      HYDRA_LOG_LEVEL: 'warn',
    });
    const base = `http://127.0.0.1:${httpPort}`;
    await waitFor(
      'the collector to answer /healthz',
      async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined),
      30_000,
    );

    const baseTimeMs = Date.now() - 600_000;
    const acked: number[] = [];
    let next = 0;
    let killed = false;
    const sender = async () => {
      while (true) {
        const first = next;
        next += POINTS_PER_REQUEST;
        const values = Array.from({ length: POINTS_PER_REQUEST }, (_, i) => first + i);
        try {
          const res = await fetch(`${base}/metrics`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(
              values.map((value) => ({ name: METRIC, value, host: 'kill-test', timestamp: baseTimeMs + value })),
            ),
          });
          await res.arrayBuffer();
          if (res.status === 200) acked.push(...values);
        } catch {
          if (killed) return; // connection refused or reset: the collector is gone
        }
        if (!killed && acked.length >= KILL_AFTER_ACKS) {
          killed = true;
          collector!.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_SENDERS }, sender));
    expect(await collector.exited).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    const stored = await stack.queryMetrics({
      name: METRIC,
      host: 'kill-test',
      from: String(baseTimeMs - 1),
      to: String(baseTimeMs + next + 1),
    });
    const values = new Set(stored.series.flatMap((s) => s.points.map(([, v]) => v)));
    const lost = acked.filter((v) => !values.has(v));
    console.log(`${backend}: sent ${next}, acknowledged ${acked.length}, stored ${values.size}, lost ${lost.length}`);
    expect(lost).toEqual([]);
    // Sent but not acknowledged values may or may not be stored; none can be invented.
    expect([...values].every((v) => v !== null && v < next)).toBe(true);
  });
});
