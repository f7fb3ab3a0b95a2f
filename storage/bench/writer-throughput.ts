/**
 * BatchWriter throughput: `rows` samples over `series` series, handed to the
 * writer as requests of `request` rows with `concurrency` requests in flight
 * (like a busy collector), into a fresh migrated database. Prints rows/s from
 * the first write to the last commit.
 *
 *   npx tsx storage/bench/writer-throughput.ts [--url postgres://…] [--rows 1000000] [--series 10000]
 *     [--request 5000] [--concurrency 8] [--batch 50000] [--connections 2]
 * Without --url it runs against the embedded PGlite.
 */
import { parseArgs } from 'node:util';
import { BatchWriter, Database, SeriesRegistry, migrate, type SamplePoint } from '@hydra/storage';
import { openTestDatabase } from '@hydra/storage/testing';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    series: { type: 'string', default: '10000' },
    request: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '50000' },
    connections: { type: 'string' },
  },
});
const rows = Number(values.rows);
const seriesCount = Number(values.series);
const requestRows = Number(values.request);
const concurrency = Number(values.concurrency);

if (values.url) process.env.HYDRA_TEST_DATABASE_URL = values.url;
const test = await openTestDatabase(values.url ? 'postgres' : 'pglite');
const db = await Database.connect({ url: test.url, mode: 'postgres' });
try {
  await migrate(db);
  const registry = new SeriesRegistry(db);
  const ids: number[] = [];
  for (let i = 0; i < seriesCount; i += 5_000) {
    const refs = Array.from({ length: Math.min(5_000, seriesCount - i) }, (_, k) => ({
      metric: {
        name: 'bench.value',
        kind: 'gauge' as const,
        unit: '1',
        temporality: 'unspecified' as const,
        monotonic: false,
      },
      labels: { series: String(i + k) },
    }));
    ids.push(...((await registry.resolve(refs)) as number[]));
  }
  const writer = new BatchWriter(db, {
    batchSize: Number(values.batch),
    ...(values.connections ? { connections: Number(values.connections) } : {}),
  });
  writer.start();
  const startUs = Math.floor(Date.now() / 60_000) * 60_000_000 - 3_600_000_000;
  let next = 0;
  const makeRequest = (): SamplePoint[] => {
    const out: SamplePoint[] = new Array(Math.min(requestRows, rows - next));
    for (let i = 0; i < out.length; i++, next++) {
      // time-major, like scrapes: every series at t, then every series at t + 10 s
      out[i] = {
        seriesId: ids[next % seriesCount]!,
        timeUs: startUs + Math.floor(next / seriesCount) * 10_000_000,
        value: Math.random() * 100,
      };
    }
    return out;
  };
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < rows) await writer.write({ samples: makeRequest(), histograms: [], expHistograms: [] });
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const seconds = (performance.now() - started) / 1000;
  await writer.shutdown();
  const check = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM samples');
  console.log(
    JSON.stringify({
      backend: values.url ? 'postgres' : 'pglite',
      rows,
      stored: Number(check.rows[0]!.n),
      series: seriesCount,
      requestRows,
      concurrency,
      batchSize: writer.options.batchSize,
      connections: writer.options.connections,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(rows / seconds),
    }),
  );
} finally {
  await db.close();
  await test.close();
}
