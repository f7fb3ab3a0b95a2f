/**
 * `hydra <command>`: one entry point that composes the packages. Each command
 * lives in `commands/<name>.ts` and exports `run(argv): Promise<number>`
 * (the exit code); modules load lazily so `hydra analyze` never pays for PGlite.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadEnvFile } from 'node:process';
import { createLogger, LOG_FORMATS, LOG_LEVELS, type LogFormat, type Logger, type LogLevel } from '@hydra/logging';
import { USAGE_EXIT_CODE, UsageError } from './args.ts';
import { JOB_KINDS } from './commands/job-kinds.ts';
import { fileProblem } from './io/input.ts';

/** hydra's version, printed by `hydra --version`. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

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
    summary: `run one pass of a monitor's ${JOB_KINDS.join(' or ')} job, as the Kubernetes CronJobs do`,
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
    '       hydra --version',
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
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`hydra ${VERSION}`);
    return 0;
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
    // A mistake in the command line is for the person who typed it; any other failure is a log line (with the stack).
    if (err instanceof UsageError) {
      console.error(`hydra ${name}: ${err.message}`);
      return USAGE_EXIT_CODE;
    }
    reportFailure(name, err);
    return 1;
  }
}

/**
 * A command's failure on stderr. At a terminal (and unless HYDRA_LOG_FORMAT=json asks for log lines) it is
 * the plain sentence of the error — "hydra analyze: data.csv: line 1: header must name …" — with the stack
 * only at HYDRA_LOG_LEVEL=debug or trace; otherwise (a service, a CronJob, a pipe) a JSON `fatal` log line
 * with the error and its stack, as every other line of a service.
 */
export function reportFailure(name: string, err: unknown, stream: NodeJS.WriteStream = process.stderr): void {
  const message = failureMessage(err);
  if (stream.isTTY && process.env.HYDRA_LOG_FORMAT !== 'json') {
    const level = process.env.HYDRA_LOG_LEVEL;
    const stack = (level === 'debug' || level === 'trace') && err instanceof Error ? `\n${err.stack}` : '';
    stream.write(`hydra ${name}: ${message}${stack}\n`);
    return;
  }
  failureLogger(name).fatal({ err }, `hydra ${name}: ${message}`);
}

/** The error's message, a system error on a file in words ("data.csv: no such file"). */
function failureMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.path === 'string') return `${e.path}: ${fileProblem(e)}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The logger of a command's failure. The settings may be what failed to load, so HYDRA_LOG_LEVEL and
 * HYDRA_LOG_FORMAT are taken when valid and the defaults otherwise; written through process.stderr.
 */
function failureLogger(component: string): Logger {
  const level = process.env.HYDRA_LOG_LEVEL;
  const format = process.env.HYDRA_LOG_FORMAT;
  return createLogger({
    component,
    destination: process.stderr,
    ...((LOG_LEVELS as readonly string[]).includes(level ?? '') ? { level: level as LogLevel } : {}),
    ...((LOG_FORMATS as readonly string[]).includes(format ?? '') ? { format: format as LogFormat } : {}),
  });
}
