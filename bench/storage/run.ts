/**
 * Storage benchmark: the same data in plain PostgreSQL mode on a PostgreSQL server, on the embedded PGlite, and
 * on PGlite built with TimescaleDB 2.23 (the tests' backend) in both modes — TimescaleDB mode, and plain mode on the
 * same build, which separates what the mode does from what the engine build does — side by side in one run.
 *
 *   npx tsx bench/storage/run.ts [--database-url postgres://…] [--long-series 6] [--days 7]
 *                                [--wide-series 1000] [--wide-hours 2] [--repeat 5] [--out bench/storage/results.json]
 *
 * Data: regular 10 s gauges ending at today 00:00 UTC (whole past days, so TimescaleDB's compression policy may
 * compress every chunk): `--long-series` series over `--days` days, spread over six value shapes (see `values`:
 * an integer gauge, memory bytes, a CPU percentage with two decimals, a temperature with one decimal, a real
 * request rate from the labeled corpus, and a full-precision random float, the worst case for any float
 * compression), and `--wide-series` CPU-percentage series over the last `--wide-hours`.
 * Measured per backend:
 *   - ingest: points/s through the BatchWriter (binary COPY on PostgreSQL, INSERT … unnest on PGlite);
 *   - bytes per stored point: the point tables with their indexes over the rows, after the rollups are built
 *     (plain: Maintenance's pass; TimescaleDB: continuous aggregates refreshed), and on TimescaleDB again after
 *     the compression policies' jobs compressed the chunks, with the compressed payload per value shape (time and
 *     value columns apart);
 *   - range-query latency (median of `--repeat` rounds, run round-robin over the four databases once all are
 *     loaded, so a shared machine's load falls on all alike): one series over the whole `--days` at 20-minute
 *     steps (~500 points, avg), and the `--wide-series` series at 5-minute steps over `--wide-hours` (avg per
 *     series and step), through `queryRange` as the API runs it.
 * Prints a table and writes the JSON report to --out.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mulberry32 } from '@hydra/analytics';
import {
  BatchWriter,
  Database,
  Maintenance,
  SeriesRegistry,
  migrate,
  queryRange,
  type RangeQuery,
  type SamplePoint,
} from '@hydra/storage';
import { openTestDatabase } from '@hydra/storage/testing';
import { DEFAULT_REAL_CORPUS, loadRealCorpus } from '../anomaly/real-corpus.ts';

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    'long-series': { type: 'string', default: '12' },
    days: { type: 'string', default: '7' },
    'wide-series': { type: 'string', default: '1000' },
    'wide-hours': { type: 'string', default: '2' },
    repeat: { type: 'string', default: '5' },
    out: { type: 'string', default: new URL('./results.json', import.meta.url).pathname },
  },
});
const INTERVAL_MS = 10_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WRITE_CHUNK = 20_000;
const WRITES_IN_FLIGHT = 8;
const SHAPES = ['integer', 'memory', 'cpu2', 'temp1', 'corpus', 'random'] as const;
type Shape = (typeof SHAPES)[number];
const longSeries = Number(args['long-series']);
const days = Number(args.days);
const wideSeries = Number(args['wide-series']);
const wideHours = Number(args['wide-hours']);
const repeat = Number(args.repeat);
const serverUrl =
  args['database-url'] ?? process.env.HYDRA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
process.env.HYDRA_TEST_DATABASE_URL = serverUrl;

const endMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const longStartMs = endMs - days * DAY_MS;
const wideStartMs = endMs - wideHours * HOUR_MS;

/** A real ingress rate (per minute, as exported: up to 8 decimals) from the labeled corpus, replayed. */
const CORPUS_SERIES = 'data-ingress-rate/ingress-01';
const corpusSeries = loadRealCorpus(DEFAULT_REAL_CORPUS).find((x) => x.name === CORPUS_SERIES);
if (!corpusSeries) throw new Error(`${CORPUS_SERIES} not found in ${DEFAULT_REAL_CORPUS}`);
// a missing value (empty in the CSV) is not a point an exporter would send
const corpus = corpusSeries.values.filter((v) => Number.isFinite(v));

/**
 * The value shapes, as exporters report them (mulberry32: every backend stores the same values):
 *   integer — a small integer random walk (queue depth, open connections);
 *   memory  — used memory in bytes, whole 4 KiB pages around 6 GiB, drifting;
 *   cpu2    — a CPU percentage with two decimals, autocorrelated with noise;
 *   temp1   — a temperature with one decimal, slow drift (often unchanged from one point to the next);
 *   corpus  — a real ingress rate (data-ingress-rate/ingress-01 of the labeled corpus), one value per point, cycled;
 *   random  — a full-precision random float in [0, 100).
 */
function* values(shape: Shape, seed: number): Generator<number> {
  const next = mulberry32(seed);
  let level = shape === 'cpu2' ? 35 : shape === 'temp1' ? 45 : 1000;
  let pages = 1_572_864; // 6 GiB of 4 KiB pages
  for (let i = 0; ; i++) {
    if (shape === 'integer') {
      level = Math.max(0, level + Math.round((next() - 0.5) * 4));
      yield level;
    } else if (shape === 'memory') {
      pages = Math.max(0, pages + Math.round((next() - 0.5) * 512));
      yield pages * 4096;
    } else if (shape === 'cpu2') {
      level = Math.min(100, Math.max(0, level + (next() - 0.5) * 4 + (35 - level) * 0.05));
      yield Math.round(Math.min(100, Math.max(0, level + (next() - 0.5) * 6)) * 100) / 100;
    } else if (shape === 'temp1') {
      level += (next() - 0.5) * 0.1 + (45 - level) * 0.01;
      yield Math.round(level * 10) / 10;
    } else if (shape === 'corpus') yield corpus[(i + seed * 997) % corpus.length]!;
    else yield next() * 100;
  }
}

const longQuery: RangeQuery = {
  name: 'bench.long',
  matchers: [{ name: 'i', op: '=', value: '0' }],
  from: new Date(longStartMs),
  to: new Date(endMs - 1),
  stepSeconds: 1200,
  aggregation: 'avg',
};
const wideQuery: RangeQuery = {
  name: 'bench.wide',
  matchers: [],
  from: new Date(wideStartMs),
  to: new Date(endMs - 1),
  stepSeconds: 300,
  aggregation: 'avg',
  maxSeries: wideSeries,
};

/** The databases compared: a test backend, and the TimescaleDB build of PGlite in plain mode. */
const BACKENDS = ['postgres', 'pglite', 'timescaledb-build-plain', 'timescaledb'] as const;
type Backend = (typeof BACKENDS)[number];

interface Report {
  backend: Backend;
  mode: string;
  points: number;
  ingestPointsPerSecond: number;
  bytesPerPoint: number;
  bytesPerPointCompressed: number | null;
  /** Compressed bytes per point of each value shape's series: the time column, the value column, both. */
  compressedPayloadBytesPerPoint: Record<Shape, { time: number; value: number; total: number }> | null;
  rollupSeconds: number;
  compressSeconds: number | null;
  longQueryMs: number;
  longQueryPoints: number;
  longQuerySource: string;
  wideQueryMs: number;
  wideQuerySeries: number;
  wideQuerySource: string;
}

async function tableBytes(db: Database): Promise<number> {
  const tables = ['samples', 'histogram_samples', 'exp_histogram_samples'];
  if (db.mode === 'timescaledb') {
    const res = await db.pool.query<{ b: number }>(
      'SELECT sum(hypertable_size(t::regclass))::float8 AS b FROM unnest($1::text[]) t',
      [tables],
    );
    return res.rows[0]!.b;
  }
  const res = await db.pool.query<{ b: number }>(
    `SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::float8 AS b
     FROM pg_inherits i WHERE i.inhparent = ANY($1::regclass[])`,
    [tables],
  );
  return res.rows[0]!.b;
}

interface Loaded {
  report: Omit<Report, 'longQueryMs' | 'wideQueryMs'>;
  db: Database;
  close(): Promise<void>;
}

async function load(backend: Backend): Promise<Loaded> {
  const plainOnTimescaleBuild = backend === 'timescaledb-build-plain';
  const test = await openTestDatabase(plainOnTimescaleBuild ? 'timescaledb' : backend);
  const mode = plainOnTimescaleBuild ? 'postgres' : test.mode;
  // a generous connect timeout: on a loaded machine a new connection can take longer than the default 5 s
  const db = await Database.connect({ url: test.url, mode, poolSize: 4, connectTimeoutMs: 60_000 });
  try {
    await migrate(db);
    const gauge = (name: string) => ({
      name,
      kind: 'gauge' as const,
      unit: '1',
      temporality: 'unspecified' as const,
      monotonic: false,
    });
    const registry = new SeriesRegistry(db);
    const longIds = (await registry.resolve(
      Array.from({ length: longSeries }, (_, i) => ({
        metric: gauge('bench.long'),
        labels: { shape: SHAPES[i % SHAPES.length]!, i: String(i) },
      })),
    )) as number[];
    const wideIds = (await registry.resolve(
      Array.from({ length: wideSeries }, (_, i) => ({ metric: gauge('bench.wide'), labels: { i: String(i) } })),
    )) as number[];

    const writer = new BatchWriter(db);
    writer.start();
    const writes: Array<Promise<void>> = [];
    let chunk: SamplePoint[] = [];
    let points = 0;
    // at most WRITES_IN_FLIGHT writes queued, as concurrent exporters would be (the writer refuses past its queue)
    const push = async (p: SamplePoint) => {
      chunk.push(p);
      points++;
      if (chunk.length >= WRITE_CHUNK) {
        writes.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
        chunk = [];
        if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
      }
    };
    const t0 = performance.now();
    const longValues = longIds.map((_, i) => values(SHAPES[i % SHAPES.length]!, i + 1));
    for (let t = longStartMs; t < endMs; t += INTERVAL_MS)
      for (const [i, id] of longIds.entries())
        await push({ seriesId: id, timeUs: t * 1000, value: longValues[i]!.next().value! });
    const wideValues = wideIds.map((_, i) => values('cpu2', 10_000 + i));
    for (let t = wideStartMs; t < endMs; t += INTERVAL_MS)
      for (const [i, id] of wideIds.entries())
        await push({ seriesId: id, timeUs: t * 1000, value: wideValues[i]!.next().value! });
    if (chunk.length > 0) writes.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
    await Promise.all(writes);
    await writer.shutdown();
    const ingestSeconds = (performance.now() - t0) / 1000;

    // the rollups, as a running hydra would have them: Maintenance's pass (plain); on TimescaleDB it refreshes
    // both continuous aggregates over the ranges the writer recorded (all of it: the data is in the past)
    const r0 = performance.now();
    await new Maintenance(db).runOnce();
    const rollupSeconds = (performance.now() - r0) / 1000;
    await db.pool.query('VACUUM ANALYZE');
    const bytesPerPoint = (await tableBytes(db)) / points;

    let bytesPerPointCompressed: number | null = null;
    let compressedPayloadBytesPerPoint: Report['compressedPayloadBytesPerPoint'] = null;
    let compressSeconds: number | null = null;
    if (db.mode === 'timescaledb') {
      const c0 = performance.now();
      const jobs = await db.pool.query<{ job_id: number }>(
        // every compression policy's job, as TimescaleDB's background workers run them: the point tables' and the
        // continuous aggregates' (which the range queries read)
        `SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'`,
      );
      for (const { job_id } of jobs.rows) await db.pool.query('CALL run_job($1)', [job_id]);
      compressSeconds = (performance.now() - c0) / 1000;
      await db.pool.query('VACUUM ANALYZE');
      bytesPerPointCompressed = (await tableBytes(db)) / points;
      // the compressed rows' own bytes (time and value columns, per series segment), per value shape
      const chunks = await db.pool.query<{ name: string }>(
        `SELECT format('%I.%I', c.schema_name, c.table_name) AS name
         FROM _timescaledb_catalog.chunk c JOIN _timescaledb_catalog.chunk u ON u.compressed_chunk_id = c.id
         JOIN _timescaledb_catalog.hypertable h ON h.id = u.hypertable_id WHERE h.table_name = 'samples'`,
      );
      compressedPayloadBytesPerPoint = {} as NonNullable<Report['compressedPayloadBytesPerPoint']>;
      for (const shape of SHAPES) {
        const ids = longIds.filter((_, i) => SHAPES[i % SHAPES.length] === shape);
        let timeBytes = 0;
        let valueBytes = 0;
        for (const { name } of chunks.rows) {
          const res = await db.pool.query<{ t: number | null; v: number | null }>(
            `SELECT sum(pg_column_size("time"))::float8 AS t, sum(pg_column_size(value))::float8 AS v FROM ${name}
             WHERE series_id = ANY($1::bigint[])`,
            [ids],
          );
          timeBytes += res.rows[0]!.t ?? 0;
          valueBytes += res.rows[0]!.v ?? 0;
        }
        const n = ids.length * ((endMs - longStartMs) / INTERVAL_MS);
        compressedPayloadBytesPerPoint[shape] = {
          time: round(timeBytes / n),
          value: round(valueBytes / n),
          total: round((timeBytes + valueBytes) / n),
        };
      }
    }

    const longResult = await queryRange(db, longQuery);
    const wideResult = await queryRange(db, wideQuery);
    const report = {
      backend,
      mode: db.mode,
      points,
      ingestPointsPerSecond: Math.round(points / ingestSeconds),
      bytesPerPoint: round(bytesPerPoint),
      bytesPerPointCompressed: bytesPerPointCompressed === null ? null : round(bytesPerPointCompressed),
      compressedPayloadBytesPerPoint,
      rollupSeconds: round(rollupSeconds),
      compressSeconds: compressSeconds === null ? null : round(compressSeconds),
      longQueryPoints: longResult.series[0]?.points.length ?? 0,
      longQuerySource: longResult.source,
      wideQuerySeries: wideResult.series.length,
      wideQuerySource: wideResult.source,
    };
    return {
      report,
      db,
      async close() {
        await db.close();
        await test.close();
      },
    };
  } catch (err) {
    await db.close();
    await test.close();
    throw err;
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The machine's 1-minute load average at each phase (a shared machine: the figures are read with it). */
const loads: Array<{ phase: string; at: string; load1: number }> = [];
const noteLoad = (phase: string) => loads.push({ phase, at: new Date().toISOString(), load1: round(loadavg()[0]!) });
const loaded: Loaded[] = [];
noteLoad('start');
for (const backend of BACKENDS) {
  process.stderr.write(`loading ${backend}…\n`);
  loaded.push(await load(backend));
  noteLoad(`${backend} loaded`);
}
// The queries run round-robin over the four databases (one warm-up round first), so that the load of a shared
// machine falls on all of them alike; the median of `repeat` rounds is reported.
const times = loaded.map(() => ({ long: [] as number[], wide: [] as number[] }));
for (let round = 0; round <= repeat; round++) {
  for (const [i, l] of loaded.entries()) {
    for (const kind of ['long', 'wide'] as const) {
      const t0 = performance.now();
      await queryRange(l.db, kind === 'long' ? longQuery : wideQuery);
      if (round > 0) times[i]![kind].push(performance.now() - t0);
    }
  }
}
noteLoad('queries done');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const reports: Report[] = loaded.map((l, i) => ({
  ...l.report,
  longQueryMs: round(median(times[i]!.long)),
  wideQueryMs: round(median(times[i]!.wide)),
}));
for (const l of loaded) await l.close();
const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30) },
  loads,
  options: { longSeries, days, wideSeries, wideHours, repeat, intervalSeconds: INTERVAL_MS / 1000 },
  reports,
};
await writeFile(args.out, `${JSON.stringify(result, null, 2)}\n`);
console.table(
  reports.map((r) => ({
    backend: r.backend,
    'points/s': r.ingestPointsPerSecond,
    'B/point': r.bytesPerPoint,
    'B/point compressed': r.bytesPerPointCompressed ?? '',
    '7d series (ms)': r.longQueryMs,
    [`${wideSeries} series (ms)`]: r.wideQueryMs,
  })),
);
console.log(JSON.stringify(reports.map((r) => ({ backend: r.backend, payload: r.compressedPayloadBytesPerPoint }))));
