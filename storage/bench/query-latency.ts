/**
 * Range-query latency from raw samples vs the rollups, and the time one
 * Maintenance pass takes to build the rollups: `series` gauges at a 10 s
 * interval over `hours` hours ending at the last whole hour, in a fresh
 * migrated database. Prints one JSON line.
 *
 *   npx tsx storage/bench/query-latency.ts [--url postgres://…] [--series 200] [--hours 24]
 * Without --url it runs against the embedded PGlite.
 */
import { parseArgs } from 'node:util';
import {
  BatchWriter,
  Database,
  Maintenance,
  SeriesRegistry,
  migrate,
  queryRange,
  type SamplePoint,
} from '@hydra/storage';
import { openTestDatabase } from '@hydra/storage/testing';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    series: { type: 'string', default: '200' },
    hours: { type: 'string', default: '24' },
  },
});
const seriesCount = Number(values.series);
const hours = Number(values.hours);
const INTERVAL_MS = 10_000;
const HOUR_MS = 3_600_000;

if (values.url) process.env.HYDRA_TEST_DATABASE_URL = values.url;
const test = await openTestDatabase(values.url ? 'postgres' : 'pglite');
const db = await Database.connect({ url: test.url, mode: 'postgres' });
try {
  await migrate(db);
  const refs = Array.from({ length: seriesCount }, (_, i) => ({
    metric: {
      name: 'bench.cpu',
      kind: 'gauge' as const,
      unit: '1',
      temporality: 'unspecified' as const,
      monotonic: false,
    },
    labels: { 'host.name': `host-${i}` },
  }));
  const ids = (await new SeriesRegistry(db).resolve(refs)) as number[];
  const endMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const startMs = endMs - hours * HOUR_MS;
  const writer = new BatchWriter(db);
  writer.start();
  const writes: Array<Promise<void>> = [];
  let chunk: SamplePoint[] = [];
  for (let t = startMs; t < endMs; t += INTERVAL_MS) {
    for (const id of ids) chunk.push({ seriesId: id, timeUs: t * 1000, value: Math.random() * 100 });
    if (chunk.length >= 20_000) {
      writes.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
      chunk = [];
      if (writes.length >= 8) await writes.shift();
    }
  }
  writes.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
  await Promise.all(writes);
  await writer.shutdown();
  const rows = (seriesCount * hours * HOUR_MS) / INTERVAL_MS;

  const time = async (f: () => Promise<unknown>): Promise<number> => {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await f();
      runs.push(performance.now() - t0);
    }
    return Math.round(runs.sort((a, b) => a - b)[1]!);
  };
  const query = (stepSeconds: number) => () =>
    queryRange(db, {
      name: 'bench.cpu',
      matchers: [],
      from: new Date(startMs),
      to: new Date(endMs - 1),
      stepSeconds,
      maxPoints: 5_000_000,
    });
  const raw60 = await time(query(60));
  const raw3600 = await time(query(3600));
  const t0 = performance.now();
  await new Maintenance(db, {
    now: () => endMs + 2 * 60_000,
  }).runOnce();
  const rollupMs = Math.round(performance.now() - t0);
  const rollup60 = await time(query(60));
  const rollup3600 = await time(query(3600));
  const source = (await query(3600)()).source;
  console.log(
    JSON.stringify({
      backend: values.url ? 'postgres' : 'pglite',
      series: seriesCount,
      hours,
      rows,
      medianMs: { rawStep60: raw60, rawStep3600: raw3600, rollup1mStep60: rollup60, rollup1hStep3600: rollup3600 },
      sourceAfterRollup: source,
      firstMaintenancePassMs: rollupMs,
    }),
  );
} finally {
  await db.close();
  await test.close();
}
