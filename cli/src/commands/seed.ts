/**
 * `hydra seed`: writes HYDRA_SEED_DAYS days of the demo hosts' history (60 s
 * resolution, incidents included) through the Ingestor. Does nothing when the
 * database already holds metrics, unless --force.
 */
import { integerOption, parseCommandArgs } from '../args.ts';
import { loadConfig } from '../config.ts';
import { describeSeed, seedIfEmpty } from '../demo/seed-history.ts';
import { progressReporter } from '../io/progress.ts';
import { loggerFor } from '../log.ts';
import { createPipeline } from '../runtime/pipeline.ts';
import { openStorage } from '../runtime/storage.ts';
import { SHUTDOWN_DEADLINE_MS } from '../runtime/lifecycle.ts';

const MAX_DAYS = 30;

const USAGE = `usage: hydra seed [--days N] [--force]

Writes N days (default HYDRA_SEED_DAYS, 3) of demo history for the hosts
web-1…web-4 — CPU, memory, disk, request latency and errors at 60 s
resolution, with injected incidents — into the database, ending now.
Does nothing if the database already holds metrics.

options:
  --days N   days of history (1…${MAX_DAYS})
  --force    seed even when the database holds metrics
  -h, --help show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, {
    usage: USAGE,
    options: { days: { type: 'string' }, force: { type: 'boolean' } },
  });
  if (!args) return 0;
  const config = loadConfig();
  const days = integerOption('days', args.days, config.seedDays, 1, MAX_DAYS);
  const log = loggerFor('seed', config);
  const storage = await openStorage(config, { component: 'seed', migrate: true, logger: log });
  try {
    const pipeline = createPipeline(storage.db, config);
    try {
      const result = await seedIfEmpty(storage.db, pipeline.ingestor, {
        days,
        force: Boolean(args.force),
        progress: progressReporter('seeding'),
      });
      if (result === null)
        console.log('the database already holds metrics: nothing seeded (use --force to add the demo history anyway)');
      else console.log(describeSeed(result));
    } finally {
      await pipeline.shutdown(SHUTDOWN_DEADLINE_MS);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
