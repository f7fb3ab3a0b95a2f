/**
 * An acknowledged point is never lost: `hydra collector` runs as a child
 * process, many concurrent requests with distinct values stream into it, it
 * is SIGKILLed mid-stream, and every value that got a 200 must be in the
 * database (kill-under-load.ts; the container form is in
 * deploy/test/containers.integration.test.ts).
 */
import { freePort } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, spawnHydra, waitFor, type HydraProcess, type TestStack } from './helpers.ts';
import { killUnderLoad } from './kill-under-load.ts';

const KILL_AFTER_ACKS = 1_000;

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes
describe.each(testBackends({ timescaledb: false }))('hydra collector killed mid-stream (%s)', (backend) => {
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

    const result = await killUnderLoad({
      baseUrl: base,
      killAfterAcks: KILL_AFTER_ACKS,
      kill: () => void collector!.child.kill('SIGKILL'),
      query: (params) => stack.queryMetrics(params),
    });
    expect(await collector.exited).toBe('SIGKILL');
    console.log(`${backend}: ${JSON.stringify({ ...result, lost: result.lost.length })}`);
    expect(result.acknowledged).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(result.lost).toEqual([]);
    // Sent but not acknowledged values may or may not be stored; none can be invented.
    expect(result.invented).toEqual([]);
  });
});
