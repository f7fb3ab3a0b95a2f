/**
 * `hydra api`: the HTTP API alone (queries, discovery, the seed's POST
 * /metrics, health, OpenAPI at /docs) on HYDRA_API_PORT, against DATABASE_URL.
 */
import { parseCommandArgs } from '../args.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { runShutdown, waitForSignal, type ShutdownStep } from '../runtime/lifecycle.ts';
import { createPipeline } from '../runtime/pipeline.ts';
import { authFor, startApiService, VERSION } from '../runtime/services.ts';
import { openStorage } from '../runtime/storage.ts';
import { startTelemetry } from '../telemetry.ts';

const USAGE = `usage: hydra api [--skip-migrate]

Runs the HTTP API alone on HYDRA_API_PORT (8080): GET/POST /metrics, /series,
/labels, /healthz, /readyz, OpenAPI at /docs; hydra's own metrics on
HYDRA_METRICS_PORT (9464). Reads DATABASE_URL (the embedded database under
HYDRA_DATA_DIR when empty).

options:
  --skip-migrate  do not apply pending migrations at start-up
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { usage: USAGE, options: { 'skip-migrate': { type: 'boolean' } } });
  if (!args) return 0;
  const config = loadConfig();
  const log = createLogger('api', config.logLevel);
  const signal = waitForSignal();
  const steps: ShutdownStep[] = [];
  try {
    const telemetry = await startTelemetry({
      host: config.host,
      port: config.metricsPort,
      component: 'api',
      version: VERSION,
    });
    steps.unshift({ name: 'telemetry', run: () => telemetry.shutdown() });
    const auth = authFor(config);
    const storage = await openStorage(config, { component: 'api', migrate: !args['skip-migrate'], log: log.info });
    steps.unshift({ name: 'database', run: () => storage.close() });
    const pipeline = createPipeline(storage.db, config);
    steps.unshift({ name: 'ingest pipeline', run: (ms) => pipeline.shutdown(ms) });
    const api = await startApiService({ db: storage.db, ingestor: pipeline.ingestor, auth, config });
    steps.unshift({ name: 'api', run: () => api.close() });
    log.info(`API ${api.url} (docs ${api.url}/docs), self-metrics ${telemetry.url} (auth ${auth.mode})`);
  } catch (err) {
    await runShutdown(steps, log.error);
    throw err;
  }
  log.info(`${await signal}: shutting down (send it again to stop at once)`);
  return runShutdown(steps, log.error);
}
