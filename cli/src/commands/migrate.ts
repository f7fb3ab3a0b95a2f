/** `hydra migrate`: apply the pending database migrations and print what was done. */
import { migrate, migrationStatus } from '@hydra/storage';
import { parseCommandArgs } from '../args.ts';
import { loadConfig } from '../config.ts';
import { loggerFor } from '../log.ts';
import { openStorage } from '../runtime/storage.ts';

const USAGE = `usage: hydra migrate [--status]

Applies the pending migrations to the database named by DATABASE_URL (the
embedded one under HYDRA_DATA_DIR when it is empty), under an advisory lock,
and prints the applied versions.

options:
  --status   only print the current and latest version and what is pending
  -h, --help show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, { usage: USAGE, options: { status: { type: 'boolean' } } });
  if (!args) return 0;
  const config = loadConfig();
  const log = loggerFor('migrate', config);
  const storage = await openStorage(config, { component: 'migrate', migrate: false, logger: log });
  try {
    const before = await migrationStatus(storage.db);
    if (!args.status) {
      const { applied } = await migrate(storage.db);
      console.log(
        applied.length > 0 ? `applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'nothing to apply',
      );
    }
    const after = args.status ? before : await migrationStatus(storage.db);
    const timescaledb = await storage.db.timescaleVersion();
    const mode = timescaledb ? `${storage.db.mode} (timescaledb ${timescaledb})` : storage.db.mode;
    console.log(`storage mode ${mode}: schema version ${after.current} of ${after.latest}`);
    if (after.pending.length > 0) console.log(`pending:\n  ${after.pending.join('\n  ')}`);
    return 0;
  } finally {
    await storage.close();
  }
}
