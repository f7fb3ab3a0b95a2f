/**
 * Operator-facing log lines of the `hydra` commands on stderr (stdout stays
 * for what a command prints as its result), filtered by HYDRA_LOG_LEVEL.
 */
import type { LogLevel } from './config.ts';

const SEVERITY: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: 100,
};

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(
  component: string,
  level: LogLevel = 'info',
  stream: NodeJS.WritableStream = process.stderr,
): Logger {
  const line = (severity: LogLevel) => (message: string) => {
    if (SEVERITY[severity] < SEVERITY[level]) return;
    stream.write(`${new Date().toISOString()} ${severity.padEnd(5)} [${component}] ${message}\n`);
  };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}
