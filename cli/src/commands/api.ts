/**
 * `hydra api`: the HTTP API alone (queries, discovery, the seed's POST
 * /metrics, health, OpenAPI at /docs) on HYDRA_API_PORT, against DATABASE_URL.
 */
import { parseCommandArgs } from '../args.ts';
import { serve } from '../runtime/serve.ts';
import { startApiService } from '../runtime/services.ts';

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
  return serve(
    'api',
    { migrate: !args['skip-migrate'], protectExports: true },
    async ({ config, auth, storage, pipeline }) => {
      const api = await startApiService({ db: storage.db, ingestor: pipeline.ingestor, auth, config });
      return { name: 'api', stop: () => api.close(), banner: `API ${api.url} (docs ${api.url}/docs)` };
    },
  );
}
