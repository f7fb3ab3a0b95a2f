/**
 * `hydra up` (what `npm start` runs): everything in one process — the
 * embedded PostgreSQL unless DATABASE_URL is set, migrations, maintenance,
 * the collector, the API, hydra's own metrics, and on an empty database a
 * few days of demo history followed by the live demo workload.
 *
 * Ctrl-C / SIGTERM stops, in order and under one deadline: the demo, the
 * collector (intake, then in-flight requests), the writer (flush), the API,
 * maintenance, the database pool and the embedded server; then exits 0.
 * The composition itself is runtime/up.ts.
 */
import { parseCommandArgs } from '../args.ts';
import { loadConfig } from '../config.ts';
import { loggerFor } from '../log.ts';
import { waitForSignal } from '../runtime/lifecycle.ts';
import { formatBanner, startUp } from '../runtime/up.ts';

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
  const log = loggerFor('up', config);
  const signal = waitForSignal();
  const up = await startUp(config, log, { demo: config.demo && !args['no-demo'] });
  console.log(formatBanner(up));
  log.info(`${await signal}: shutting down (send it again to stop at once)`);
  const code = await up.shutdown();
  log.info(code === 0 ? 'stopped' : 'stopped with errors');
  return code;
}
