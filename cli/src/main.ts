/**
 * `hydra <command>`: one entry point that composes the packages. Each command
 * lives in `commands/<name>.ts` and exports `run(argv): Promise<number>`
 * (the exit code); modules load lazily so `hydra analyze` never pays for PGlite.
 */
import { existsSync } from 'node:fs';
import { loadEnvFile } from 'node:process';
import { USAGE_EXIT_CODE, UsageError } from './args.ts';

/** Settings file read from the working directory when present; the environment wins over it. */
export const DOTENV_FILE = '.env';

export interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

export const COMMANDS: Record<string, Command> = {
  up: {
    summary: 'run everything in one process (embedded PostgreSQL unless DATABASE_URL is set)',
    load: () => import('./commands/up.ts'),
  },
  migrate: { summary: 'apply database migrations', load: () => import('./commands/migrate.ts') },
  seed: {
    summary: 'write a few days of demo history into an empty database',
    load: () => import('./commands/seed.ts'),
  },
  import: { summary: 'bulk-load points from a CSV file', load: () => import('./commands/import.ts') },
  collector: {
    summary: 'run the OTLP collector alone (the Kubernetes collector Deployment)',
    load: () => import('./commands/collector.ts'),
  },
  api: { summary: 'run the HTTP API alone', load: () => import('./commands/api.ts') },
  analyze: { summary: 'score a CSV series for anomalies (backtesting)', load: () => import('./commands/analyze.ts') },
  forecast: { summary: 'forecast the series of a CSV file', load: () => import('./commands/forecast.ts') },
  job: {
    summary: "run one pass of a monitor's analysis job (anomaly), as the Kubernetes CronJob does",
    load: () => import('./commands/job.ts'),
  },
  operator: {
    summary: 'run the HydraMonitor Kubernetes operator against KUBECONFIG',
    load: () => import('./commands/operator.ts'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'usage: hydra <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "run 'hydra <command> --help' for a command's options",
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`hydra: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    if (existsSync(DOTENV_FILE)) loadEnvFile(DOTENV_FILE);
    const mod = await command.load();
    return await mod.run(rest);
  } catch (err) {
    console.error(`hydra ${name}: ${(err as Error).message}`);
    if (process.env.HYDRA_DEBUG) console.error(err);
    return err instanceof UsageError ? USAGE_EXIT_CODE : 1;
  }
}
