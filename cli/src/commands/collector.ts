/**
 * `hydra collector`: the OTLP receivers (HTTP on HYDRA_OTLP_HTTP_PORT, gRPC on
 * HYDRA_OTLP_GRPC_PORT) writing into DATABASE_URL — what the Kubernetes
 * collector Deployment runs. SIGINT/SIGTERM stop intake, finish the requests
 * in flight, flush the writer and exit 0.
 */
import { parseCommandArgs } from '../args.ts';
import { serve } from '../runtime/serve.ts';
import { startCollectorService } from '../runtime/services.ts';

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
  return serve('collector', { migrate: !args['skip-migrate'] }, async ({ config, auth, pipeline }) => {
    const collector = await startCollectorService(pipeline.ingestor, config, auth);
    return {
      name: 'collector',
      stop: () => collector.shutdown(),
      banner: `OTLP/HTTP ${collector.httpUrl}/v1/metrics, OTLP/gRPC ${collector.grpcAddress}`,
    };
  });
}
