/**
 * `hydra job anomaly` as the CronJob runs it: reads the monitors file, scores
 * the monitor's series, prints the report as JSON, and refuses bad usage with
 * a message naming the option.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchWriter, Database, migrate, readScores, SeriesRegistry } from '@hydra/storage';
import { openTestDatabase, type TestDatabase } from '@hydra/storage/testing';
import { run } from '../src/commands/job.ts';

const MONITORS = `apiVersion: hydra.io/v1alpha1
kind: HydraMonitor
metadata: {name: cpu}
spec:
  selector: {metric: system.cpu.utilization}
  anomaly: {detector: zscore, warmup: 10m, lookback: 1d}
`;

describe('hydra job anomaly', () => {
  let test: TestDatabase;
  let dir: string;
  let file: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, HYDRA_LOG_LEVEL: process.env.HYDRA_LOG_LEVEL };

  beforeAll(async () => {
    test = await openTestDatabase('pglite');
    const db = await Database.connect({ url: test.url, poolSize: 2 });
    await migrate(db);
    const [id] = await new SeriesRegistry(db).resolve([
      {
        metric: {
          name: 'system.cpu.utilization',
          kind: 'gauge',
          unit: '1',
          temporality: 'unspecified',
          monotonic: false,
        },
        labels: { 'host.name': 'web-1' },
      },
    ]);
    const writer = new BatchWriter(db);
    writer.start();
    const now = Date.now();
    await writer.write({
      samples: Array.from({ length: 120 }, (_, i) => ({
        seriesId: id as number,
        timeUs: (now - (120 - i) * 60_000) * 1000,
        value: 0.3 + 0.01 * Math.sin(i),
      })),
      histograms: [],
      expHistograms: [],
    });
    await writer.shutdown();
    await db.close();
    dir = await mkdtemp(path.join(tmpdir(), 'hydra-job-'));
    file = path.join(dir, 'monitors.yaml');
    await writeFile(file, MONITORS);
    process.env.DATABASE_URL = test.url;
    process.env.HYDRA_LOG_LEVEL = 'error';
  });
  afterAll(async () => {
    // put back what this file changed (the worker process runs other files after this one)
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
    await test?.close();
  });

  it('scores the monitor and prints its report', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await run(['anomaly', '--monitor', 'cpu', '--file', file, '--shard', '0/1'])).toBe(0);
      const report = JSON.parse(String(out.mock.calls.at(-1)?.[0]));
      expect(report).toMatchObject({ monitor: 'default/cpu', shard: '0/1', series: 1, scored: 1 });
      expect(report.points).toBeGreaterThan(100);
    } finally {
      out.mockRestore();
    }
    const db = await Database.connect({ url: test.url, poolSize: 1 });
    try {
      const scores = await readScores(db, { seriesId: 1, fromMs: 0, toMs: Date.now(), limit: 1000 });
      expect(scores.length).toBeGreaterThan(100);
    } finally {
      await db.close();
    }
  });

  it('refuses bad usage naming the option or the monitor', async () => {
    await expect(run(['anomaly', '--file', file])).rejects.toThrow(/--monitor is required/);
    await expect(run(['anomaly', '--monitor', 'cpu', '--shard', '3/2', '--file', file])).rejects.toThrow(
      /--shard: i must be below n/,
    );
    await expect(run(['anomaly', '--monitor', 'memory', '--file', file])).rejects.toThrow(
      /no monitor 'memory' \(known: default\/cpu\)/,
    );
    await expect(run(['forecasting', '--monitor', 'cpu'])).rejects.toThrow(/unknown job 'forecasting'/);
  });
});
