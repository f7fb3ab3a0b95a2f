/**
 * hydra against Prometheus on the same data, same machine, requests interleaved (issue 21, item 5).
 *
 *   nice npx tsx bench/compare/run.ts [--series 1000] [--days 7] [--interval 60] [--long-interval 10]
 *                                     [--repeat 15] [--database-url postgres://…] [--out bench/compare/results.json]
 *
 * Data: one gauge metric, `bench_cpu`, as a CPU percentage with two decimals (a random walk with noise, the same
 * seeded values in both): `--series` series labelled host="h0000"… every `--interval` s and one series host="long"
 * every `--long-interval` s, over the `--days` days ending at today 00:00 UTC (with the defaults 10.1 M samples:
 * the issue's data). Loaded into
 *   - hydra: plain PostgreSQL mode in a scratch database of the server (`createScratchDatabase`, dropped at the
 *     end) through the BatchWriter (binary COPY), then Maintenance's pass (the 1m, 5m and 1h rollups) and
 *     VACUUM ANALYZE; queried through its HTTP API (`buildApp`, listening on a free loopback port in this process);
 *   - Prometheus (/usr/bin/prometheus, /usr/bin/promtool): the same samples as an OpenMetrics file, turned into
 *     blocks by `promtool tsdb create-blocks-from openmetrics`, then `prometheus` started on that data directory
 *     and a free loopback port; queried through /api/v1/query_range.
 * The rows of the issue's table, as each system says them (a stepped hydra query averages each bucket, so
 * Prometheus is asked for `avg_over_time(…[step])`, the same numbers; raw points are a range query at the scrape
 * interval in Prometheus):
 *   one series, 7 days, 20 min step; one series, last hour raw; all --series series, 7 days, 1 h and 30 min steps;
 *   the average across every series (1,001) at 30 min steps, in one query.
 * Each round runs every row once on each system, alternating which goes first; after one warm-up round, the
 * p50 of `--repeat` rounds (time until the whole body is read; not parsed). Disk: hydra's point table partitions
 * and rollup tables with their indexes (and the series catalogue), Prometheus's data directory after its start.
 * Prints a table (p50 ms, ratio hydra / Prometheus) and writes the JSON report with the load averages to --out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { once } from 'node:events';
import { mulberry32 } from '@hydra/analytics';
import { buildApp } from '@hydra/api';
import { BatchWriter, Database, Maintenance, migrate, SeriesRegistry, type SamplePoint } from '@hydra/storage';
import { createScratchDatabase } from '@hydra/storage/testing';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '1000' },
    days: { type: 'string', default: '7' },
    interval: { type: 'string', default: '60' },
    'long-interval': { type: 'string', default: '10' },
    repeat: { type: 'string', default: '15' },
    'database-url': { type: 'string' },
    prometheus: { type: 'string', default: '/usr/bin/prometheus' },
    promtool: { type: 'string', default: '/usr/bin/promtool' },
    out: { type: 'string', default: new URL('./results.json', import.meta.url).pathname },
    /** Keep hydra's scratch database (its URL is printed), e.g. to EXPLAIN the queries. */
    keep: { type: 'boolean', default: false },
  },
});
const SERIES = Number(args.series);
const DAYS = Number(args.days);
const INTERVAL_S = Number(args.interval);
const LONG_INTERVAL_S = Number(args['long-interval']);
const REPEAT = Number(args.repeat);
const SERVER_URL =
  args['database-url'] ?? process.env.HYDRA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DAY_MS = 86_400_000;
const END_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const START_MS = END_MS - DAYS * DAY_MS;
const METRIC = 'bench_cpu';
const loads: Array<{ phase: string; load1: number; at: string }> = [];
const noteLoad = (phase: string): void => {
  loads.push({ phase, load1: Math.round(loadavg()[0]! * 100) / 100, at: new Date().toISOString() });
  console.log(`[${new Date().toISOString()}] ${phase} (load ${loadavg()[0]!.toFixed(2)})`);
};

interface SeriesSpec {
  host: string;
  intervalS: number;
  seed: number;
}
const SPECS: SeriesSpec[] = [
  { host: 'long', intervalS: LONG_INTERVAL_S, seed: 1 },
  ...Array.from({ length: SERIES }, (_, i) => ({
    host: `h${String(i).padStart(4, '0')}`,
    intervalS: INTERVAL_S,
    seed: 100 + i,
  })),
];

/** A CPU percentage with two decimals: autocorrelated, with noise (bench/storage's cpu2 shape). */
function* cpu(seed: number): Generator<number> {
  const next = mulberry32(seed);
  let level = 35;
  for (;;) {
    level = Math.min(100, Math.max(0, level + (next() - 0.5) * 4 + (35 - level) * 0.05));
    yield Math.round(Math.min(100, Math.max(0, level + (next() - 0.5) * 6)) * 100) / 100;
  }
}

/** Every sample in time order (series interleaved per timestamp), as [spec index, epoch ms, value]. */
function* samples(): Generator<[number, number, number]> {
  const gens = SPECS.map((s) => cpu(s.seed));
  const stepS = gcd(LONG_INTERVAL_S, INTERVAL_S);
  for (let t = START_MS; t < END_MS; t += stepS * 1000) {
    for (const [i, s] of SPECS.entries()) {
      if (((t - START_MS) / 1000) % s.intervalS === 0) yield [i, t, gens[i]!.next().value!];
    }
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

async function run(cmd: string, argv: string[]): Promise<void> {
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${code}`);
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await dirBytes(path) : (await stat(path)).size;
  }
  return total;
}

interface Hydra {
  base: string;
  bytes: Record<string, number>;
  loadSeconds: number;
  rollupSeconds: number;
  close(): Promise<void>;
}

async function loadHydra(): Promise<Hydra> {
  const scratch = await createScratchDatabase(SERVER_URL, 'hydra_compare');
  const db = await Database.connect({ url: scratch.url, mode: 'postgres', poolSize: 4, connectTimeoutMs: 60_000 });
  try {
    await migrate(db);
    const metric = {
      name: METRIC,
      kind: 'gauge' as const,
      unit: '%',
      temporality: 'unspecified' as const,
      monotonic: false,
    };
    const ids = (await new SeriesRegistry(db).resolve(
      SPECS.map((s) => ({ metric, labels: { host: s.host } })),
    )) as number[];
    const writer = new BatchWriter(db);
    writer.start();
    const t0 = performance.now();
    const inFlight: Array<Promise<void>> = [];
    let chunk: SamplePoint[] = [];
    for (const [i, t, value] of samples()) {
      chunk.push({ seriesId: ids[i]!, timeUs: t * 1000, value });
      if (chunk.length >= 20_000) {
        inFlight.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
        chunk = [];
        if (inFlight.length >= 8) await inFlight.shift();
      }
    }
    if (chunk.length > 0) inFlight.push(writer.write({ samples: chunk, histograms: [], expHistograms: [] }));
    await Promise.all(inFlight);
    await writer.shutdown();
    const loadSeconds = (performance.now() - t0) / 1000;
    const r0 = performance.now();
    await new Maintenance(db).runOnce();
    const rollupSeconds = (performance.now() - r0) / 1000;
    await db.pool.query('VACUUM ANALYZE');
    const sizes = await db.pool.query<{ name: string; bytes: number }>(
      `SELECT 'samples' AS name, coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)::float8 AS bytes
         FROM pg_inherits i WHERE i.inhparent = 'samples'::regclass
       UNION ALL SELECT t, pg_total_relation_size(t::regclass)::float8 FROM unnest(ARRAY['samples_1m', 'samples_5m', 'samples_1h', 'series']) t`,
    );
    const bytes = Object.fromEntries(sizes.rows.map((r) => [r.name, r.bytes]));
    const app = await buildApp({ db, auth: { mode: 'off' } });
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    return {
      base: `http://127.0.0.1:${port}`,
      bytes,
      loadSeconds,
      rollupSeconds,
      async close() {
        await app.close();
        await db.close();
        if (args.keep) console.log(`kept ${scratch.url}`);
        else await scratch.drop();
      },
    };
  } catch (err) {
    await db.close();
    await scratch.drop();
    throw err;
  }
}

interface Prometheus {
  base: string;
  bytes: number;
  blockSeconds: number;
  close(): Promise<void>;
}

async function loadPrometheus(dir: string): Promise<Prometheus> {
  const file = join(dir, 'data.om');
  const out = createWriteStream(file);
  out.write(`# TYPE ${METRIC} gauge\n`);
  let buffer = '';
  for (const [i, t, value] of samples()) {
    buffer += `${METRIC}{host="${SPECS[i]!.host}"} ${value} ${t / 1000}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(`${buffer}# EOF\n`);
  await once(out, 'finish');
  const data = join(dir, 'data');
  const t0 = performance.now();
  await run(args.promtool!, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, data]);
  const blockSeconds = (performance.now() - t0) / 1000;
  await rm(file);
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, 'global: {}\n');
  const port = await freePort();
  const child: ChildProcess = spawn(
    args.prometheus!,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error('prometheus did not become ready in 5 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  // its start compacts the 2-hour blocks promtool wrote: wait until the compactions stop
  let last = -1;
  for (;;) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const done = Number(/^prometheus_tsdb_compactions_total (\S+)/m.exec(text)?.[1] ?? 0);
    if (done === last) break;
    last = done;
    await new Promise((r) => setTimeout(r, 15_000));
  }
  return {
    base,
    bytes: await dirBytes(data),
    blockSeconds,
    async close() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

interface Row {
  name: string;
  hydra: string;
  prometheus: string;
}

function rows(): Row[] {
  const all = `${START_MS}`;
  const end = `${END_MS - 1}`;
  const promRange = (query: string, fromMs: number, step: number): string =>
    `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${fromMs / 1000}&end=${(END_MS - 1) / 1000}&step=${step}`;
  const long = `${METRIC}{host="long"}`;
  const wide = `${METRIC}{host=~"h.*"}`;
  const hourAgo = END_MS - 3_600_000;
  return [
    {
      name: `one series, ${DAYS} d, 20 min step`,
      hydra: `/metrics?name=${METRIC}&match=${encodeURIComponent('host="long"')}&from=${all}&to=${end}&step=20m&aggregation=avg`,
      prometheus: promRange(`avg_over_time(${long}[20m])`, START_MS, 1200),
    },
    {
      name: 'one series, last hour raw',
      hydra: `/metrics?name=${METRIC}&match=${encodeURIComponent('host="long"')}&from=${hourAgo}&to=${end}`,
      prometheus: promRange(long, hourAgo, LONG_INTERVAL_S),
    },
    {
      name: `${SERIES} series, ${DAYS} d, 1 h step`,
      hydra: `/metrics?name=${METRIC}&match=${encodeURIComponent('host=~"h.*"')}&from=${all}&to=${end}&step=1h&aggregation=avg`,
      prometheus: promRange(`avg_over_time(${wide}[1h])`, START_MS, 3600),
    },
    {
      name: `${SERIES} series, ${DAYS} d, 30 min step`,
      hydra: `/metrics?name=${METRIC}&match=${encodeURIComponent('host=~"h.*"')}&from=${all}&to=${end}&step=30m&aggregation=avg`,
      prometheus: promRange(`avg_over_time(${wide}[30m])`, START_MS, 1800),
    },
    {
      name: `average across ${SPECS.length} series, ${DAYS} d, 30 min step`,
      hydra: `/metrics?name=${METRIC}&from=${all}&to=${end}&step=30m&aggregation=avg&aggregate=avg`,
      prometheus: promRange(`avg(avg_over_time(${METRIC}[30m]))`, START_MS, 1800),
    },
  ];
}

/** Time until the whole body is read, in ms; throws on an error status. */
async function timed(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body.slice(0, 300)}`);
  return { ms, bytes: body.length };
}

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hydra-compare-'));
  let hydra: Hydra | undefined;
  let prometheus: Prometheus | undefined;
  try {
    noteLoad('start');
    prometheus = await loadPrometheus(dir);
    noteLoad(`prometheus loaded (promtool ${prometheus.blockSeconds.toFixed(1)} s)`);
    hydra = await loadHydra();
    noteLoad(`hydra loaded (${hydra.loadSeconds.toFixed(1)} s, rollups ${hydra.rollupSeconds.toFixed(1)} s)`);
    const table = rows();
    const times = table.map(() => ({ hydra: [] as number[], prometheus: [] as number[], hydraBytes: 0, promBytes: 0 }));
    for (let round = 0; round <= REPEAT; round++) {
      for (const [i, row] of table.entries()) {
        const order = (round + i) % 2 === 0 ? (['hydra', 'prometheus'] as const) : (['prometheus', 'hydra'] as const);
        for (const who of order) {
          const { ms, bytes } = await timed(
            who === 'hydra' ? hydra.base + row.hydra : prometheus.base + row.prometheus,
          );
          if (round === 0) continue; // warm-up
          times[i]![who].push(ms);
          if (who === 'hydra') times[i]!.hydraBytes = bytes;
          else times[i]!.promBytes = bytes;
        }
      }
      if (round === Math.floor(REPEAT / 2)) noteLoad(`round ${round}`);
    }
    noteLoad('measured');
    const results = table.map((row, i) => {
      const h = p50(times[i]!.hydra);
      const p = p50(times[i]!.prometheus);
      return {
        row: row.name,
        hydraMs: round2(h),
        prometheusMs: round2(p),
        ratio: round2(h / p),
        hydraBody: times[i]!.hydraBytes,
        prometheusBody: times[i]!.promBytes,
        hydra: row.hydra,
        prometheus: row.prometheus,
      };
    });
    const samplesTotal = SPECS.reduce((n, s) => n + (DAYS * 86_400) / s.intervalS, 0);
    const hydraBytes = Object.values(hydra.bytes).reduce((a, b) => a + b, 0);
    const report = {
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      data: {
        series: SPECS.length,
        days: DAYS,
        interval: INTERVAL_S,
        longInterval: LONG_INTERVAL_S,
        samples: samplesTotal,
      },
      repeat: REPEAT,
      results,
      disk: {
        hydraBytes,
        hydra: hydra.bytes,
        prometheusBytes: prometheus.bytes,
        ratio: round2(hydraBytes / prometheus.bytes),
      },
      loads,
    };
    await writeFile(args.out!, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `\n${samplesTotal.toLocaleString('en')} samples, ${SPECS.length} series, p50 of ${REPEAT} interleaved rounds\n`,
    );
    console.log('| measure | hydra p50 | Prometheus p50 | ratio |\n|---|--:|--:|--:|');
    for (const r of results) console.log(`| ${r.row} | ${r.hydraMs} ms | ${r.prometheusMs} ms | ${r.ratio}× |`);
    const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
    console.log(
      `| disk | ${mb(hydraBytes)} (${Object.entries(hydra.bytes)
        .map(([k, b]) => `${k} ${mb(b)}`)
        .join(', ')}) | ${mb(prometheus.bytes)} | ${report.disk.ratio}× |`,
    );
  } finally {
    await hydra?.close();
    await prometheus?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
