/**
 * Ingest benchmark: committed OTLP points per second end to end, against the raw
 * binary-COPY rate into the same schema measured in the same run (the ceiling).
 *
 *   npx tsx bench/ingest/run.ts [--database-url URL] [--rounds 200] [--concurrency 8] [--runs 3]
 *
 * End to end = a separate sender process POSTs pre-encoded OTLP protobuf requests
 * (1,000 points each, 10,000 series) over loopback to a collector in this
 * process, which decodes, resolves series, batches and commits to PostgreSQL;
 * a point counts once its request is answered 200 (i.e. after COMMIT).
 * Ceiling = the same rows, as (time, series_id, value), streamed by one binary
 * COPY into the same `samples` table (same partitions and index) of a fresh
 * database. Each run measures both, one after the other, so their ratio
 * compares like with like on a shared machine; `--runs` repeats the pair and
 * reports medians. `--resend` then sends the timed requests a second time, as
 * exporters retrying writes whose answers they never got: every point is
 * already stored, so every batch takes the writer's staged path (COPY into a
 * temporary table, INSERT … ON CONFLICT DO NOTHING) and nothing is stored
 * twice (checked). CPU time is accounted per party (sender, collector,
 * PostgreSQL backends, everything else on the machine) from /proc, so a noisy
 * run still shows where the time went. Results go to
 * bench/ingest/results/<timestamp>.json.
 */
import { execFileSync, fork } from 'node:child_process';
import inspector from 'node:inspector';
import { mkdtemp, writeFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir, cpus, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  Database,
  migrate,
  SeriesRegistry,
  BatchWriter,
  Maintenance,
  freePort,
  type WriterOptions,
} from '@hydra/storage';
import { Ingestor, startCollector } from '@hydra/collector';
import { createScratchDatabase, type ScratchDatabase } from '@hydra/storage/testing';
import { DEFAULT_SHAPE, encodeRound, totalSeries, valueOf, type WorkloadShape } from './encode.ts';
import { startCpuMeter } from './cpu.ts';
import type { SenderReport } from './sender.ts';

const here = path.dirname(new URL(import.meta.url).pathname);
const PG_EPOCH_US = 946_684_800_000_000;
/**
 * Requests in flight from the sender, as from eight exporters. Fewer leave a
 * writer connection idle between batches and make batches small (more commits
 * per point); the sender itself costs ~0.5 µs of CPU per point, so it does not
 * crowd out the collector on two cores.
 */
const DEFAULT_CONCURRENCY = 8;

const { values: args } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.HYDRA_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    rounds: { type: 'string', default: String(DEFAULT_SHAPE.rounds) },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
    runs: { type: 'string', default: '1' },
    /** Writer connections; default: the BatchWriter's own default. */
    connections: { type: 'string' },
    /** Write a V8 CPU profile of this process (the collector) during the timed end-to-end phase to this file. */
    profile: { type: 'string' },
    /** After the timed phase, send every timed request again (all duplicates) and measure that too. */
    resend: { type: 'boolean', default: false },
  },
});

async function writeBodies(file: string, bodies: Uint8Array[]): Promise<void> {
  const parts: Buffer[] = [];
  for (const b of bodies) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    parts.push(len, Buffer.from(b.buffer, b.byteOffset, b.length));
  }
  await writeFile(file, Buffer.concat(parts));
}

/** Runs the sender process over `file` and returns its report. */
async function runSender(file: string, target: string, concurrency: number): Promise<SenderReport> {
  const child = fork(path.join(here, 'sender.ts'), [file, target, String(concurrency)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; report?: SenderReport }) => {
      if (m.ready) child.send({ go: true });
      if (m.report) resolve(m.report);
    });
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`sender exited with ${code}`)));
  });
}

/** The checked-out commit the benchmark ran on, or null outside a git checkout. */
function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** A V8 CPU profiler on this process, through the inspector protocol. */
async function startProfiler(): Promise<{ stop(): Promise<object> }> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      session.disconnect();
      return profile;
    },
  };
}

async function countSamples(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ n: string }>('SELECT count(*) AS n FROM samples');
  await c.end();
  return Number(rows[0]!.n);
}

async function endToEnd(
  url: string,
  shape: WorkloadShape,
  dir: string,
  concurrency: number,
  writerOptions: Partial<WriterOptions>,
) {
  const db = await Database.connect({ url, mode: 'postgres' });
  await migrate(db);
  const maintenance = new Maintenance(db);
  await maintenance.runOnce();
  const registry = new SeriesRegistry(db);
  const writer = new BatchWriter(db, writerOptions);
  writer.start();
  const ingestor = new Ingestor({ registry, writer });
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const collector = await startCollector(ingestor, { host: '127.0.0.1', httpPort, grpcPort });
  const target = `${collector.httpUrl}/v1/metrics`;
  try {
    // Round 0 registers the 10,000 series (the cold path); rounds 1..n are timed.
    const warmFile = path.join(dir, 'warm.bin');
    await writeBodies(warmFile, encodeRound(shape, 0));
    const warm = await runSender(warmFile, target, concurrency);
    const timedFile = path.join(dir, 'timed.bin');
    const bodies: Uint8Array[] = [];
    for (let r = 1; r < shape.rounds; r++) bodies.push(...encodeRound(shape, r));
    await writeBodies(timedFile, bodies);
    const profiler = args.profile ? await startProfiler() : null;
    const meter = await startCpuMeter(url);
    const timed = await runSender(timedFile, target, concurrency);
    const cpu = await meter.stop();
    if (profiler) await writeFile(args.profile!, JSON.stringify(await profiler.stop()));
    const pointsPerRequest = shape.pointsPerRequest;
    let resent = null;
    if (args.resend) {
      const resendMeter = await startCpuMeter(url);
      const report = await runSender(timedFile, target, concurrency);
      const resendCpu = await resendMeter.stop();
      resent = {
        ...report,
        pointsPerSecond: (report.acknowledged * pointsPerRequest) / (report.elapsedMs / 1000),
        cpu: { ...resendCpu, senderMs: report.cpuMs },
      };
    }
    const stored = await countSamples(url);
    return {
      warm: { ...warm, pointsPerSecond: (warm.acknowledged * pointsPerRequest) / (warm.elapsedMs / 1000) },
      timed: { ...timed, pointsPerSecond: (timed.acknowledged * pointsPerRequest) / (timed.elapsedMs / 1000) },
      resent,
      storedRows: stored,
      expectedRows: shape.rounds * totalSeries(shape),
      writer: writer.options,
      cpu: { ...cpu, senderMs: timed.cpuMs },
    };
  } finally {
    await collector.shutdown();
    await writer.shutdown();
    await maintenance.shutdown();
    await db.close();
  }
}

/** Binary COPY rows of (time, series_id, value), encoded on the fly, one COPY, one commit. */
async function rawCopy(url: string, shape: WorkloadShape) {
  const db = await Database.connect({ url, mode: 'postgres' });
  await migrate(db);
  const maintenance = new Maintenance(db);
  await maintenance.runOnce();
  // The same series rows the collector would register, so ids are comparable.
  await db.pool.query(
    `INSERT INTO metric (name, kind, unit, temporality, monotonic) VALUES ('bench.raw', 'gauge', '', 'unspecified', false)`,
  );
  await db.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const series = totalSeries(shape);
  const rows = shape.rounds * series;
  const ROWS_PER_CHUNK = 10_000;
  const ROW_BYTES = 2 + 4 + 8 + 4 + 8 + 4 + 8;
  function* chunks(): Generator<Buffer> {
    const header = Buffer.alloc(19);
    header.write('PGCOPY\n\xff\r\n\0', 0, 'latin1');
    yield header;
    let buf = Buffer.allocUnsafe(ROWS_PER_CHUNK * ROW_BYTES);
    let off = 0;
    for (let r = 0; r < shape.rounds; r++) {
      const pgUs = BigInt(shape.startUs + r * shape.intervalUs - PG_EPOCH_US);
      for (let s = 0; s < series; s++) {
        off = buf.writeInt16BE(3, off);
        off = buf.writeInt32BE(8, off);
        off = buf.writeBigInt64BE(pgUs, off);
        off = buf.writeInt32BE(8, off);
        off = buf.writeBigInt64BE(BigInt(s + 1), off);
        off = buf.writeInt32BE(8, off);
        off = buf.writeDoubleBE(valueOf(s, r), off);
        if (off === buf.length) {
          yield buf;
          buf = Buffer.allocUnsafe(ROWS_PER_CHUNK * ROW_BYTES);
          off = 0;
        }
      }
    }
    const trailer = Buffer.alloc(2);
    trailer.writeInt16BE(-1);
    yield Buffer.concat([buf.subarray(0, off), trailer]);
  }
  const meter = await startCpuMeter(url);
  const started = performance.now();
  await client.query('BEGIN');
  await pipeline(
    Readable.from(chunks()),
    client.query(copyFrom('COPY samples (time, series_id, value) FROM STDIN (FORMAT binary)')),
  );
  await client.query('COMMIT');
  const elapsedMs = performance.now() - started;
  const cpu = await meter.stop();
  await client.end();
  const stored = await countSamples(url);
  return { rows, storedRows: stored, elapsedMs, rowsPerSecond: rows / (elapsedMs / 1000), cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** CPU ms per million points, by party, from one measured phase. */
function cpuPerMillion(
  cpu: { selfMs: number; postgresMs: number | null; machineBusyMs: number },
  points: number,
  senderMs = 0,
) {
  const per = (ms: number | null) => (ms === null ? null : Math.round((ms / points) * 1e6));
  const other = cpu.postgresMs === null ? null : cpu.machineBusyMs - cpu.selfMs - cpu.postgresMs - senderMs;
  return { client: per(cpu.selfMs), sender: per(senderMs), postgres: per(cpu.postgresMs), otherProcesses: per(other) };
}

async function main(): Promise<void> {
  const serverUrl = args['database-url']!;
  const rounds = Number(args.rounds);
  const concurrency = Number(args.concurrency);
  const runs = Number(args.runs);
  const writerOptions: Partial<WriterOptions> = args.connections ? { connections: Number(args.connections) } : {};
  for (const [name, v] of [
    ['rounds', rounds],
    ['concurrency', concurrency],
    ['runs', runs],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: must be a positive integer, got ${v}`);
  }
  const shape: WorkloadShape = {
    ...DEFAULT_SHAPE,
    rounds,
    startUs: (Date.now() - (rounds * DEFAULT_SHAPE.intervalUs) / 1000 - 60_000) * 1000,
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'hydra-bench-'));
  // unique database names: two runs of this bench (or a test suite) on one server never drop each other's
  const scratch: ScratchDatabase[] = [];
  const scratchDatabase = async (prefix: string) => {
    const db = await createScratchDatabase(serverUrl, prefix);
    scratch.push(db);
    return db;
  };
  const results = [];
  let valid = true;
  try {
    console.log(
      `shape: ${totalSeries(shape)} series, ${shape.pointsPerRequest} points/request, ${rounds} rounds, concurrency ${concurrency}, ${runs} run(s)`,
    );
    for (let run = 1; run <= runs; run++) {
      const rawDb = await scratchDatabase('hydra_bench_raw');
      const raw = await rawCopy(rawDb.url, shape);
      await rawDb.drop();
      console.log(
        `[${run}] raw binary COPY: ${Math.round(raw.rowsPerSecond).toLocaleString('en')} rows/s (${raw.rows} rows in ${(raw.elapsedMs / 1000).toFixed(2)} s)`,
      );
      const e2eDb = await scratchDatabase('hydra_bench_e2e');
      const e2e = await endToEnd(e2eDb.url, shape, dir, concurrency, writerOptions);
      await e2eDb.drop();
      console.log(
        `[${run}] end to end (cold round, registers series): ${Math.round(e2e.warm.pointsPerSecond).toLocaleString('en')} points/s`,
      );
      console.log(
        `[${run}] end to end (steady): ${Math.round(e2e.timed.pointsPerSecond).toLocaleString('en')} points/s, retries ${e2e.timed.retries}, failures ${e2e.timed.failures}${e2e.timed.firstError ? ` (${e2e.timed.firstError})` : ''}`,
      );
      if (e2e.resent) {
        const resentPoints = e2e.resent.acknowledged * shape.pointsPerRequest;
        console.log(
          `[${run}] resent, all duplicates (staged path): ${Math.round(e2e.resent.pointsPerSecond).toLocaleString('en')} points/s, retries ${e2e.resent.retries}, failures ${e2e.resent.failures}; CPU ms per million points ${JSON.stringify(cpuPerMillion(e2e.resent.cpu, resentPoints, e2e.resent.cpu.senderMs))}`,
        );
      }
      const timedPoints = e2e.timed.acknowledged * shape.pointsPerRequest;
      const e2eCpu = cpuPerMillion(e2e.cpu, timedPoints, e2e.cpu.senderMs);
      const rawCpu = cpuPerMillion(raw.cpu, raw.rows);
      const rowsPerTransaction = Math.round(timedPoints / Math.max(1, e2e.cpu.transactions));
      console.log(`[${run}] end-to-end transactions: ${e2e.cpu.transactions} (~${rowsPerTransaction} rows each)`);
      console.log(
        `[${run}] CPU ms per million points: end to end ${JSON.stringify(e2eCpu)}; raw COPY ${JSON.stringify(rawCpu)}; load average ${e2e.cpu.loadAverage1mStart.toFixed(1)}`,
      );
      const ratio = e2e.timed.pointsPerSecond / raw.rowsPerSecond;
      console.log(`[${run}] ratio end-to-end / raw COPY: ${(ratio * 100).toFixed(1)} %`);
      if (e2e.resent && (e2e.resent.failures > 0 || e2e.resent.acknowledged === 0)) {
        console.error(`[${run}] resent requests failed (${e2e.resent.firstError}): the benchmark is invalid`);
        valid = false;
      }
      if (e2e.storedRows !== e2e.expectedRows || raw.storedRows !== raw.rows) {
        console.error(
          `[${run}] row count mismatch (stored ${e2e.storedRows} of ${e2e.expectedRows}): the benchmark is invalid`,
        );
        valid = false;
      }
      // CPU a point costs on the raw path over what it costs end to end: what the ratio would be if both had the
      // same CPU to themselves; unlike the wall-clock ratio, other users' jobs hardly move it.
      const cpuCostRatio =
        e2eCpu.postgres === null || rawCpu.postgres === null
          ? null
          : (rawCpu.client! + rawCpu.postgres) / (e2eCpu.client! + e2eCpu.sender! + e2eCpu.postgres);
      if (cpuCostRatio !== null)
        console.log(`[${run}] CPU-cost ratio raw / end-to-end: ${(cpuCostRatio * 100).toFixed(1)} %`);
      results.push({
        raw,
        endToEnd: e2e,
        cpuPerMillionPoints: { endToEnd: e2eCpu, raw: rawCpu },
        ratio,
        cpuCostRatio,
      });
    }
    const summary = {
      rawRowsPerSecond: median(results.map((r) => r.raw.rowsPerSecond)),
      endToEndPointsPerSecond: median(results.map((r) => r.endToEnd.timed.pointsPerSecond)),
      ratio: median(results.map((r) => r.ratio)),
      cpuCostRatio: results.every((r) => r.cpuCostRatio !== null) ? median(results.map((r) => r.cpuCostRatio!)) : null,
      collectorCpuUsPerPoint: median(results.map((r) => r.cpuPerMillionPoints.endToEnd.client! / 1000)),
    };
    console.log(
      `median of ${runs}: raw ${Math.round(summary.rawRowsPerSecond).toLocaleString('en')} rows/s, end to end ${Math.round(summary.endToEndPointsPerSecond).toLocaleString('en')} points/s, ratio ${(summary.ratio * 100).toFixed(1)} %, CPU-cost ratio ${summary.cpuCostRatio === null ? 'n/a' : (summary.cpuCostRatio * 100).toFixed(1) + ' %'}, collector ${summary.collectorCpuUsPerPoint.toFixed(2)} µs CPU/point`,
    );
    const date = new Date().toISOString();
    const result = {
      date,
      commit: gitCommit(),
      nodeOptions: process.env.NODE_OPTIONS ?? '',
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      shape,
      concurrency,
      summary,
      runs: results,
    };
    await mkdir(path.join(here, 'results'), { recursive: true });
    const file = path.join(here, 'results', `${date.slice(0, 19).replaceAll(':', '')}.json`);
    await writeFile(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`results: ${path.relative(process.cwd(), file)}`);
    if (!valid) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const db of scratch) await db.drop();
  }
}

await main();
