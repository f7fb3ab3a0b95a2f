/**
 * `hydra collector`: the OTLP receivers (HTTP on HYDRA_OTLP_HTTP_PORT, gRPC on
 * HYDRA_OTLP_GRPC_PORT) writing into DATABASE_URL — what the Kubernetes
 * collector Deployment runs. SIGINT/SIGTERM stop intake, finish the requests
 * in flight, flush the writer and exit 0.
 */
import { parseCommandArgs } from '../args.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { runShutdown, waitForSignal, type ShutdownStep } from '../runtime/lifecycle.ts';
import { createPipeline } from '../runtime/pipeline.ts';
import { authFor, startCollectorService, VERSION } from '../runtime/services.ts';
import { openStorage } from '../runtime/storage.ts';
import { startTelemetry } from '../telemetry.ts';

const USAGE = `usage: hydra collector [--skip-migrate]

Runs the OTLP collector alone: POST /v1/metrics (protobuf and JSON) on
HYDRA_OTLP_HTTP_PORT (4318), OTLP/gRPC on HYDRA_OTLP_GRPC_PORT (4317), the
seed's POST /metrics, and hydra's own metrics on HYDRA_METRICS_PORT (9464).
Writes to DATABASE_URL (the embedded database under HYDRA_DATA_DIR when empty).

options:
  --skip-migrate  do not apply pending migrations at start-up
  -h, --help      show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { usage: USAGE, options: { 'skip-migrate': { type: 'boolean' } } });
  if (!args) return 0;
  const config = loadConfig();
  const log = createLogger('collector', config.logLevel);
  const signal = waitForSignal();
  const steps: ShutdownStep[] = [];
  try {
    const telemetry = await startTelemetry({
      host: config.host,
      port: config.metricsPort,
      component: 'collector',
      version: VERSION,
    });
    steps.unshift({ name: 'telemetry', run: () => telemetry.shutdown() });
    const auth = authFor(config);
    const storage = await openStorage(config, {
      component: 'collector',
      migrate: !args['skip-migrate'],
      log: log.info,
    });
    steps.unshift({ name: 'database', run: () => storage.close() });
    const pipeline = createPipeline(storage.db, config);
    steps.unshift({ name: 'ingest pipeline', run: (ms) => pipeline.shutdown(ms) });
    const collector = await startCollectorService(pipeline.ingestor, config, auth);
    steps.unshift({ name: 'collector', run: () => collector.shutdown() });
    log.info(
      `OTLP/HTTP ${collector.httpUrl}/v1/metrics, OTLP/gRPC ${collector.grpcAddress}, self-metrics ${telemetry.url} (auth ${auth.mode})`,
    );
  } catch (err) {
    await runShutdown(steps, log.error);
    throw err;
  }
  log.info(`${await signal}: shutting down (send it again to stop at once)`);
  const code = await runShutdown(steps, log.error);
  log.info(code === 0 ? 'stopped' : 'stopped with errors');
  return code;
}
