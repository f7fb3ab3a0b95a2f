/**
 * `hydra up` (what `npm start` runs): everything in one process — the
 * embedded PostgreSQL unless DATABASE_URL is set, migrations, maintenance,
 * the collector, the API, hydra's own metrics, and on an empty database a
 * few days of demo history followed by the live demo workload.
 *
 * Ctrl-C / SIGTERM stops, in order and under one deadline: the demo, the
 * collector (intake, then in-flight requests), the writer (flush), the API,
 * maintenance, the database pool and the embedded server; then exits 0.
 */
import { Maintenance } from '@hydra/storage';
import { parseCommandArgs } from '../args.ts';
import { loadConfig, type HydraConfig } from '../config.ts';
import { DEMO_SEED } from '../demo/hosts.ts';
import { startDemoWorkload } from '../demo/workload.ts';
import { createLogger, type Logger } from '../log.ts';
import { runShutdown, waitForSignal, type ShutdownStep } from '../runtime/lifecycle.ts';
import { createPipeline, type Pipeline } from '../runtime/pipeline.ts';
import { authFor, startApiService, startCollectorService, VERSION } from '../runtime/services.ts';
import { openStorage, type OpenedStorage } from '../runtime/storage.ts';
import { startTelemetry } from '../telemetry.ts';
import { describeSeed, seedIfEmpty } from './seed.ts';

const USAGE = `usage: hydra up [--no-demo]

Runs hydra in one process: embedded PostgreSQL (PGlite, persisted in
HYDRA_DATA_DIR/pgdata) unless DATABASE_URL is set, the OTLP collector
(4318 HTTP, 4317 gRPC), the API (8080, docs at /docs) and hydra's own
metrics (9464). With HYDRA_DEMO=true (the default) an empty database is
seeded with HYDRA_SEED_DAYS days of demo history, then four demo hosts send
live metrics through the OpenTelemetry SDK. Ctrl-C stops it cleanly.

options:
  --no-demo   neither seed nor run the demo workload (same as HYDRA_DEMO=false)
  -h, --help  show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { usage: USAGE, options: { 'no-demo': { type: 'boolean' } } });
  if (!args) return 0;
  const config = loadConfig();
  const demo = config.demo && !args['no-demo'];
  const log = createLogger('up', config.logLevel);
  const signal = waitForSignal();
  const steps = new ShutdownPlan();
  const abortDemo = new AbortController();
  try {
    const telemetry = await startTelemetry({
      host: config.host,
      port: config.metricsPort,
      component: 'up',
      version: VERSION,
    });
    steps.set('telemetry', () => telemetry.shutdown());
    const auth = authFor(config);
    const storage = await openStorage(config, { component: 'up', migrate: true, log: log.info });
    steps.set('embedded PostgreSQL', () => storage.embedded?.stop() ?? Promise.resolve());
    steps.set('database', () => storage.db.close());
    const maintenance = new Maintenance(storage.db);
    maintenance.start();
    steps.set('maintenance', () => maintenance.shutdown());
    const pipeline = createPipeline(storage.db, config);
    steps.set('writer', (ms) => pipeline.shutdown(ms));
    const collector = await startCollectorService(pipeline.ingestor, config, auth);
    steps.set('collector', () => collector.shutdown());
    const api = await startApiService({ db: storage.db, ingestor: pipeline.ingestor, auth, config });
    steps.set('api', () => api.close());

    printBanner({
      config,
      api: api.url,
      otlpHttp: collector.httpUrl,
      otlpGrpc: collector.grpcAddress,
      exports: telemetry.url,
      storage,
      auth: auth.mode,
    });
    if (demo) {
      const running = startDemo({
        config,
        storage,
        pipeline,
        otlpHttpUrl: collector.httpUrl,
        ingestToken: auth.ingestToken ?? null,
        authOn: auth.mode === 'on',
        log,
        abort: abortDemo.signal,
      });
      steps.set('demo', async () => {
        abortDemo.abort();
        await running;
      });
    }
  } catch (err) {
    abortDemo.abort();
    await runShutdown(steps.ordered(), log.error);
    throw err;
  }
  log.info(`${await signal}: shutting down (send it again to stop at once)`);
  const code = await runShutdown(steps.ordered(), log.error);
  log.info(code === 0 ? 'stopped' : 'stopped with errors');
  return code;
}

/** Shutdown order of `hydra up`, whatever order things started in. */
const SHUTDOWN_ORDER = [
  'demo',
  'collector',
  'writer',
  'api',
  'maintenance',
  'database',
  'embedded PostgreSQL',
  'telemetry',
] as const;
type Part = (typeof SHUTDOWN_ORDER)[number];

class ShutdownPlan {
  private readonly steps = new Map<Part, ShutdownStep['run']>();
  set(part: Part, run: ShutdownStep['run']): void {
    this.steps.set(part, run);
  }
  /** The registered steps in SHUTDOWN_ORDER. */
  ordered(): ShutdownStep[] {
    return SHUTDOWN_ORDER.flatMap((name) => {
      const run = this.steps.get(name);
      return run ? [{ name, run }] : [];
    });
  }
}

interface DemoContext {
  config: HydraConfig;
  storage: OpenedStorage;
  pipeline: Pipeline;
  otlpHttpUrl: string;
  ingestToken: string | null;
  authOn: boolean;
  log: Logger;
  abort: AbortSignal;
}

/**
 * Seeds an empty database, then runs the live workload until aborted.
 * Resolves after the workload has flushed; never rejects (failures are logged).
 */
async function startDemo(ctx: DemoContext): Promise<void> {
  const { log } = ctx;
  try {
    await runDemo(ctx);
  } catch (err) {
    log.error(`demo workload failed: ${(err as Error).message}`);
  }
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const { log } = ctx;
  if (ctx.authOn && !ctx.ingestToken) {
    log.warn(
      'demo workload not started: authentication is on and HYDRA_INGEST_TOKEN is not set (the demo exporters need it)',
    );
    return;
  }
  if (ctx.config.seedDays > 0) {
    log.info(`seeding ${ctx.config.seedDays} day(s) of demo history if the database is empty…`);
    try {
      const seeded = await seedIfEmpty(ctx.storage.db, ctx.pipeline.ingestor, {
        days: ctx.config.seedDays,
        signal: ctx.abort,
      });
      log.info(seeded ? describeSeed(seeded) : 'the database already holds metrics: history not seeded');
    } catch (err) {
      if (ctx.abort.aborted) return;
      log.error(`demo history could not be seeded (the live workload starts anyway): ${(err as Error).message}`);
    }
  }
  if (ctx.abort.aborted) return;
  const workload = startDemoWorkload({
    otlpHttpUrl: ctx.otlpHttpUrl,
    seed: DEMO_SEED,
    ...(ctx.ingestToken ? { headers: { Authorization: `Bearer ${ctx.ingestToken}` } } : {}),
    log: log.info,
  });
  log.info('demo workload started: web-1…web-4 export every 5 s over OTLP/HTTP');
  await new Promise<void>((resolve) => ctx.abort.addEventListener('abort', () => resolve(), { once: true }));
  await workload.shutdown();
}

function printBanner(b: {
  config: HydraConfig;
  api: string;
  otlpHttp: string;
  otlpGrpc: string;
  exports: string;
  storage: OpenedStorage;
  auth: string;
}): void {
  const database = b.storage.embedded
    ? `embedded PGlite in ${b.config.embeddedDataDir}`
    : `${b.storage.db.mode} at DATABASE_URL`;
  console.log(
    [
      '',
      `hydra ${VERSION} is up (storage: ${database}, mode ${b.storage.db.mode}, auth ${b.auth})`,
      `  API          ${b.api}            e.g. ${b.api}/metrics?name=system.cpu.utilization&host=web-1`,
      `  API docs     ${b.api}/docs`,
      `  OTLP/HTTP    ${b.otlpHttp}/v1/metrics`,
      `  OTLP/gRPC    ${b.otlpGrpc}`,
      `  exports      ${b.exports}            (Prometheus text format)`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}
