/**
 * Anomaly-job benchmark (issue 21, "incremental analysis"): what a pass of `hydra job anomaly` costs on PostgreSQL
 * when every series has a day of one-minute history, and what the next passes cost once the detectors are saved
 * with the checkpoints (anomaly_detector_state), against the replay path measured in the same run.
 *
 *   nice npx tsx bench/analysis/run.ts [--database-url URL] [--series 10000] [--hours 24] [--page-size 250]
 *     [--profile pass.cpuprofile] [--keep]
 *
 * A scratch database (createScratchDatabase) gets `--series` series: 80 % gauges of `bench.latency` (ms: daily
 * cycles, noise, level shifts, heavy-tailed spikes, small integer counts) and 20 % cumulative counters
 * `bench.requests` (scored as rates with a daily cycle), one sample a minute (at a per-series second offset) for
 * `--hours`, rolled up by Maintenance as in production; two monitors (ensemble detector, lookback 1d) select them.
 * Then, each pass like the CronJob's (a fresh AlertService and no in-process cache):
 * 1. first pass: every series replays and scores its whole history, saving its detector;
 * 2. one new minute per series: the replay path (stateStore false, the baseline: what every pass cost before),
 *    then, with the checkpoints set back, the same pass restoring the saved detectors;
 * 3. seven new minutes per series: the same two.
 * Printed per pass: points scored, wall, points/s, CPU of this process and of the database's backends (from
 * /proc, for the scratch database's connections) and the ratio to the baseline; with the load average.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  BatchWriter,
  Database,
  Maintenance,
  migrate,
  SeriesRegistry,
  type SamplePoint,
  type SeriesRef,
} from '@hydra/storage';
import { createScratchDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService, runAnomalyJob, type AnomalyJobReport, type MonitorRef } from '@hydra/analysis';

const MINUTE = 60_000;
const { values: args } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.HYDRA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    series: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '24' },
    'page-size': { type: 'string', default: '250' },
    keep: { type: 'boolean', default: false },
    /** write a CPU profile of the "+1 min, saved detectors" pass to this file */
    profile: { type: 'string' },
  },
});
const SERIES = Number(args.series);
const MINUTES = Number(args.hours) * 60;
const PAGE_SIZE = Number(args['page-size']);
if (!(SERIES >= 10) || !(MINUTES >= 60)) throw new Error('--series at least 10, --hours at least 1');
const COUNTERS = Math.round(SERIES * 0.2);
const GAUGES = SERIES - COUNTERS;
/** History ends at the last whole minute before now. */
const END = Math.floor(Date.now() / MINUTE) * MINUTE;
const START = END - MINUTES * MINUTE;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value of gauge k at minute index i (deterministic): five shapes. */
function gauge(k: number, i: number): number {
  const r = mulberry32(k * 100_003 + i);
  const day = (2 * Math.PI * (START / MINUTE + i)) / 1440;
  const phase = (k % 24) / 24;
  const gauss = () => (r() + r() + r() + r() - 2) * 1.7;
  switch (k % 5) {
    case 0: // daily cycle + noise
      return 120 + 60 * Math.sin(day + 2 * Math.PI * phase) + 8 * gauss();
    case 1: // flat and noisy
      return 40 + 5 * gauss();
    case 2: // a level shift at a series-specific minute
      return 200 + (i > (k * 37) % MINUTES ? 45 : 0) + 6 * gauss();
    case 3: // heavy-tailed latency spikes
      return 15 * Math.exp(0.4 * gauss()) + (r() < 0.003 ? 300 : 0);
    default: // small integer counts (queue length)
      return Math.floor(3 + 2 * Math.sin(day) + 3 * r());
  }
}

/** The cumulative count of counter k after minute index i: a daily-cycle rate with noise. */
function counterRate(k: number, i: number): number {
  const r = mulberry32(k * 7_919 + i);
  const day = (2 * Math.PI * (START / MINUTE + i)) / 1440;
  return Math.max(0, 50 + 30 * Math.sin(day + k) + 10 * (r() - 0.5)) * 60;
}

const monitors: MonitorRef[] = [
  ['latency', 'bench.latency'],
  ['requests', 'bench.requests'],
].map(([name, metric]) => ({
  key: `bench/${name}`,
  name: name!,
  namespace: 'bench',
  spec: parseMonitorSpec({
    selector: { metric },
    anomaly: { detector: 'ensemble', lookback: '1d' },
    alerting: { for: '5m', severity: 'warning' },
  }),
}));

/** CPU ms (user + system) of a process, from /proc (undefined once it is gone). */
function procCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100); // USER_HZ
  } catch {
    return undefined;
  }
}

/**
 * CPU of the scratch database's backends over a pass: their pids are sampled every 200 ms (the pool opens and
 * closes connections), each one's last reading kept (the watcher's own backend is counted too: a few ms).
 */
function backendCpuMeter(url: string): { stop(): Promise<number> } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let stopped = false;
  const watcher = new pg.Pool({ connectionString: url, max: 1 });
  let initial = true;
  const sample = async () => {
    const r = await watcher.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
    );
    for (const { pid } of r.rows) {
      const ms = procCpuMs(pid);
      if (ms === undefined) continue;
      // a backend started during the pass spent all its CPU on it
      if (!first.has(pid)) first.set(pid, initial ? ms : 0);
      last.set(pid, ms);
    }
    initial = false;
  };
  const loop = (async () => {
    while (!stopped) {
      await sample();
      await new Promise((r) => setTimeout(r, 200));
    }
    await sample();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await watcher.end();
      let total = 0;
      for (const [pid, ms] of last) total += ms - (first.get(pid) ?? 0);
      return total / 1000;
    },
  };
}

interface PassResult {
  name: string;
  points: number;
  series: number;
  resumed: number;
  wallS: number;
  nodeCpuS: number;
  dbCpuS: number;
  pointsPerS: number;
  load: number[];
}

async function pass(db: Database, url: string, name: string, now: number, stateStore: boolean): Promise<PassResult> {
  const alerts = new AlertService({ db, clock: () => now });
  const meter = backendCpuMeter(url);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const reports: AnomalyJobReport[] = [];
  for (const monitor of monitors)
    reports.push(await runAnomalyJob({ db, alerts, monitor, now, stateStore, pageSize: PAGE_SIZE }));
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpuS = await meter.stop();
  const points = reports.reduce((s, r) => s + r.points, 0);
  const result: PassResult = {
    name,
    points,
    series: reports.reduce((s, r) => s + r.scored, 0),
    resumed: reports.reduce((s, r) => s + r.resumed, 0),
    wallS,
    nodeCpuS: (cpu.user + cpu.system) / 1e6,
    dbCpuS,
    pointsPerS: points / wallS,
    load: loadavg(),
  };
  console.log(
    `${name.padEnd(34)} ${String(points).padStart(9)} points ${String(result.series).padStart(6)} series ` +
      `(${result.resumed} resumed)  wall ${wallS.toFixed(2)} s  ${Math.round(result.pointsPerS)} points/s  ` +
      `cpu node ${result.nodeCpuS.toFixed(2)} s, postgres ${dbCpuS.toFixed(2)} s  load ${result.load.map((l) => l.toFixed(2)).join(' ')}`,
  );
  return result;
}

async function appendMinutes(db: Database, ids: { gauges: number[]; counters: number[] }, from: number, n: number) {
  const writer = new BatchWriter(db);
  writer.start();
  for (let i = from; i < from + n; i++)
    await writer.write({ samples: minuteSamples(ids, i), histograms: [], expHistograms: [] });
  await writer.shutdown();
}

const counterTotals: number[] = [];
function minuteSamples(ids: { gauges: number[]; counters: number[] }, i: number): SamplePoint[] {
  const samples: SamplePoint[] = [];
  ids.gauges.forEach((id, k) =>
    samples.push({ seriesId: id, timeUs: (START + i * MINUTE + (k % 50) * 1000) * 1000, value: gauge(k, i) }),
  );
  ids.counters.forEach((id, k) => {
    counterTotals[k] = (counterTotals[k] ?? 0) + counterRate(k, i);
    samples.push({ seriesId: id, timeUs: (START + i * MINUTE + (k % 50) * 1000) * 1000, value: counterTotals[k]! });
  });
  return samples;
}

/** Scores of the newest minute, per series, to compare the two paths. */
async function lastScores(db: Database, minute: number): Promise<Map<string, number | null>> {
  const r = await db.pool.query<{ k: string; score: number | null }>(
    `SELECT monitor || '/' || series_id AS k, score FROM anomaly_score WHERE time = $1`,
    [new Date(START + minute * MINUTE).toISOString()],
  );
  return new Map(r.rows.map((x) => [x.k, x.score]));
}

async function rewindCheckpoints(db: Database, minutes: number): Promise<void> {
  await db.pool.query(`UPDATE anomaly_checkpoint SET last_time = last_time - $1 * interval '1 minute'`, [minutes]);
}

/** When minute index i is scored (its bucket settled). */
const scoredAt = (i: number) => START + (i + 1) * MINUTE + 30_000;

async function main(): Promise<void> {
  console.log(
    `anomaly job bench: ${SERIES} series (${GAUGES} gauges, ${COUNTERS} counters) x ${MINUTES} minutes, page ${PAGE_SIZE}; ` +
      `${cpus().length} × ${cpus()[0]?.model}; load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; ${new Date().toISOString()}`,
  );
  const scratch = await createScratchDatabase(args['database-url'], 'hydra_bench_analysis');
  const db = await Database.connect({ url: scratch.url, mode: 'postgres', poolSize: 4 });
  try {
    await migrate(db);
    // The rollup watermark stays a few minutes behind the history, as in production: new minutes are read raw.
    const maintenance = new Maintenance(db, { now: () => END - 5 * MINUTE });
    await maintenance.runOnce();
    const registry = new SeriesRegistry(db);
    const refs: SeriesRef[] = [
      ...Array.from({ length: GAUGES }, (_, k) => ({
        metric: { name: 'bench.latency', kind: 'gauge', unit: 'ms', temporality: 'unspecified', monotonic: false },
        labels: { 'host.name': `host-${k}`, 'service.name': `svc-${k % 40}` },
      })),
      ...Array.from({ length: COUNTERS }, (_, k) => ({
        metric: { name: 'bench.requests', kind: 'sum', unit: '{request}', temporality: 'cumulative', monotonic: true },
        labels: { 'host.name': `host-${k}`, 'service.name': `svc-${k % 40}` },
      })),
    ] as SeriesRef[];
    const all: number[] = [];
    for (let i = 0; i < refs.length; i += 1000)
      for (const id of await registry.resolve(refs.slice(i, i + 1000))) {
        if (typeof id !== 'number') throw new Error(`series refused: ${JSON.stringify(id)}`);
        all.push(id);
      }
    const ids = { gauges: all.slice(0, GAUGES), counters: all.slice(GAUGES) };
    let t = performance.now();
    await appendMinutes(db, ids, 0, MINUTES);
    console.log(`loaded ${SERIES * MINUTES} samples in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await maintenance.runOnce();
    await db.pool.query('VACUUM ANALYZE');
    console.log(`rolled up and analysed in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const results: PassResult[] = [];
    results.push(await pass(db, scratch.url, `first pass (${MINUTES} min/series)`, scoredAt(MINUTES - 1), true));
    let minute = MINUTES;
    for (const n of [1, 7]) {
      await appendMinutes(db, ids, minute, n);
      minute += n;
      const now = scoredAt(minute - 1);
      const baseline = await pass(db, scratch.url, `+${n} min, replay (baseline)`, now, false);
      const replayed = await lastScores(db, minute - 1);
      await rewindCheckpoints(db, n);
      const session = n === 1 && args.profile ? new Session() : null;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      const resumed = await pass(db, scratch.url, `+${n} min, saved detectors`, now, true);
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(args.profile!, JSON.stringify(profile));
        session.disconnect();
      }
      const restored = await lastScores(db, minute - 1);
      let same = 0;
      for (const [k, v] of restored) if (replayed.get(k) === v) same++;
      console.log(
        `  ratio ${(baseline.wallS / resumed.wallS).toFixed(1)}x wall, ` +
          `${((baseline.nodeCpuS + baseline.dbCpuS) / (resumed.nodeCpuS + resumed.dbCpuS)).toFixed(1)}x CPU; ` +
          `newest-minute scores equal to the replay's for ${same}/${restored.size} series ` +
          `(the replay's one-day window has slid: it no longer sees the oldest ${n} minutes)`,
      );
      results.push(baseline, resumed);
    }
    const size = await db.pool.query<{ n: string; bytes: string; avg: string }>(
      `SELECT count(*) AS n, pg_total_relation_size('anomaly_detector_state') AS bytes,
              avg(octet_length(state))::int AS avg FROM anomaly_detector_state`,
    );
    console.log(
      `detector states: ${size.rows[0]!.n} rows, ${size.rows[0]!.avg} bytes each on average, table ` +
        `${(Number(size.rows[0]!.bytes) / 1e6).toFixed(0)} MB`,
    );
    console.log(JSON.stringify({ series: SERIES, minutes: MINUTES, pageSize: PAGE_SIZE, results }));
    await maintenance.shutdown();
  } finally {
    await db.close();
    if (!args.keep) await scratch.drop();
  }
}

await main();
