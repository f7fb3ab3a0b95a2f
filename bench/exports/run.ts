/**
 * Analysis-export benchmark: what it costs the API process to publish the analysis results to Prometheus
 * (analysis/src/exports), against the bare read of the same rows measured in the same run (the floor: any exporter
 * must at least read them).
 *
 *   npx tsx bench/exports/run.ts [--database-url URL] [--series 1000,5000,20000] [--runs 5]
 *
 * For each size N, a fresh database gets N series of one monitor with a scored point and a checkpoint each
 * (labels host.name, service.name, k8s.namespace.name), a stored 24 h forecast on a 5-minute grid with two
 * thresholds for every 10th series, and a few open alerts. Then, `--runs` times:
 * - floor: `SELECT` of the checkpoint ⋈ score ⋈ series rows and of the forecast rows, nothing computed;
 * - refresh: one AnalysisExporter refresh (lease, five statements, labels, the snapshot), maxSeries = N;
 * - scrape: one Prometheus collection of the snapshot through the real exporter's serializer, and its size.
 * Medians are printed and written to bench/exports/results.json.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { Database, migrate, ScorePartitions, SeriesRegistry, writeForecasts, writeScores } from '@hydra/storage';
import { AnalysisExporter, AnalysisMetricProducer } from '@hydra/analysis';
import { createScratchDatabase } from '@hydra/storage/testing';

const here = path.dirname(new URL(import.meta.url).pathname);
const MONITOR = 'bench/cpu';
const MINUTE = 60_000;
const FORECAST_POINTS = 288;

const { values: args } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.HYDRA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    series: { type: 'string', default: '1000,5000,20000' },
    runs: { type: 'string', default: '5' },
  },
});
const sizes = args.series.split(',').map(Number);
const runs = Number(args.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 10) || !(runs >= 1))
  throw new Error('--series: comma-separated whole numbers of at least 10; --runs: at least 1');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await f();
  return [performance.now() - start, result];
}

async function seed(db: Database, n: number, now: number): Promise<void> {
  const registry = new SeriesRegistry(db);
  const metric = {
    name: 'system.cpu.utilization',
    kind: 'gauge',
    unit: '1',
    temporality: 'unspecified',
    monotonic: false,
  } as const;
  const ids: number[] = [];
  for (let start = 0; start < n; start += 1000) {
    const refs = Array.from({ length: Math.min(1000, n - start) }, (_, k) => ({
      metric,
      labels: {
        'host.name': `host-${start + k}`,
        'service.name': `svc-${(start + k) % 50}`,
        'k8s.namespace.name': `ns-${(start + k) % 10}`,
      },
    }));
    for (const id of await registry.resolve(refs)) {
      if (typeof id !== 'number') throw new Error(`series refused: ${JSON.stringify(id)}`);
      ids.push(id);
    }
  }
  const last = now - MINUTE;
  await new ScorePartitions(db).ensureFor([last]);
  for (let start = 0; start < n; start += 5000) {
    const chunk = ids.slice(start, start + 5000);
    await writeScores(
      db,
      MONITOR,
      chunk.map((seriesId, k) => ({
        seriesId,
        time: last,
        value: 0.5,
        score: ((start + k) % 997) / 997,
        expected: 0.45,
        lower: 0.3,
        upper: 0.6,
      })),
    );
  }
  await db.pool.query(
    `INSERT INTO anomaly_checkpoint (monitor, series_id, last_time)
     SELECT $1, id, $2::timestamptz FROM unnest($3::bigint[]) AS id`,
    [MONITOR, new Date(last).toISOString(), ids],
  );
  const forecasts = ids
    .filter((_, k) => k % 10 === 0)
    .map((seriesId, k) => ({
      monitor: MONITOR,
      seriesId,
      createdAt: now - 5 * MINUTE,
      model: 'ets',
      description: 'bench',
      holdoutMase: 0.8,
      baselineMase: 1,
      fallback: null,
      level: 0.95,
      stepMs: 5 * MINUTE,
      firstTime: now,
      lastObservedTime: now - 5 * MINUTE,
      lastValue: 0.5,
      historyPoints: 2016,
      periods: [288],
      mean: Array.from({ length: FORECAST_POINTS }, (_, i) => 0.5 + i / 1000),
      lower: Array.from({ length: FORECAST_POINTS }, (_, i) => 0.4 + i / 1000),
      upper: Array.from({ length: FORECAST_POINTS }, (_, i) => 0.6 + i / 1000),
      thresholds: [
        {
          value: 0.7,
          direction: 'above' as const,
          severity: 'warning' as const,
          crossesAt: now + (k % 24) * 60 * MINUTE,
        },
        { value: 0.9, direction: 'above' as const, severity: 'critical' as const, crossesAt: null },
      ],
    }));
  for (let start = 0; start < forecasts.length; start += 500)
    await writeForecasts(db, forecasts.slice(start, start + 500));
  for (const [i, severity] of (['warning', 'critical', 'warning'] as const).entries())
    await db.pool.query(
      `INSERT INTO alert (fingerprint, kind, monitor, severity, state, labels, summary, explanation, started_at,
         last_evaluated_at) VALUES ($1, 'anomaly', $2, $3, 'firing', '{}', 's', '{}', now(), now())`,
      [`bench-${i}`, MONITOR, severity],
    );
}

interface Result {
  series: number;
  forecasts: number;
  floorMs: number;
  refreshMs: number;
  refreshOverFloor: number;
  scrapeMs: number;
  exportedSamples: number;
  expositionBytes: number;
  bytesPerSample: number;
}

async function measure(n: number): Promise<Result> {
  const target = await createScratchDatabase(args['database-url'], `hydra_bench_exports_${n}`);
  const db = await Database.connect({ url: target.url, poolSize: 4 });
  try {
    await migrate(db);
    const now = Date.now();
    await seed(db, n, now);
    await db.pool.query('VACUUM ANALYZE');
    const producer = new AnalysisMetricProducer();
    const reader = new PrometheusExporter({
      preventServerStart: true,
      withoutScopeInfo: true,
      metricProducers: [producer],
    });
    const provider = new MeterProvider({ readers: [reader] });
    const serializer = new PrometheusSerializer(undefined, undefined, undefined, undefined, true);
    const exporter = new AnalysisExporter({
      db,
      producer,
      meter: provider.getMeter('hydra'),
      maxSeries: Math.max(n, 10),
      intervalMs: 3_600_000,
    });
    exporter.start();
    await exporter.refresh(); // warm: plans, lease
    const floor: number[] = [];
    const refresh: number[] = [];
    const scrape: number[] = [];
    let exposition = '';
    for (let r = 0; r < runs; r++) {
      const [f] = await time(async () => {
        await db.pool.query(
          `SELECT c.monitor, c.series_id, c.last_time, a.value, a.score, a.expected, a.lower, a.upper, s.labels, s.metric_id
           FROM anomaly_checkpoint c
           JOIN anomaly_score a ON a.series_id = c.series_id AND a.monitor = c.monitor AND a.time = c.last_time
           JOIN series s ON s.id = c.series_id`,
        );
        await db.pool.query('SELECT * FROM forecast');
      });
      floor.push(f);
      refresh.push((await time(() => exporter.refresh()))[0]);
      const [s, text] = await time(async () => serializer.serialize((await reader.collect()).resourceMetrics));
      scrape.push(s);
      exposition = text;
    }
    await exporter.shutdown();
    await provider.shutdown();
    const samples = exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    const floorMs = median(floor);
    const refreshMs = median(refresh);
    return {
      series: n,
      forecasts: Math.ceil(n / 10),
      floorMs: Math.round(floorMs * 10) / 10,
      refreshMs: Math.round(refreshMs * 10) / 10,
      refreshOverFloor: Math.round((refreshMs / floorMs) * 100) / 100,
      scrapeMs: Math.round(median(scrape) * 10) / 10,
      exportedSamples: samples,
      expositionBytes: exposition.length,
      bytesPerSample: Math.round(exposition.length / samples),
    };
  } finally {
    await db.close();
    await target.drop();
  }
}

const results: Result[] = [];
for (const n of sizes) {
  const r = await measure(n);
  console.log(JSON.stringify(r));
  results.push(r);
}
const report = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  runs,
  results,
};
await writeFile(path.join(here, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(here, 'results.json'))}`);
