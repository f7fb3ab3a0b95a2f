/**
 * Log lines of the `hydra` commands: @hydra/logging's JSON lines on stderr
 * (stdout stays for what a command prints as its result), filtered by
 * HYDRA_LOG_LEVEL, human-readable with HYDRA_LOG_FORMAT=pretty. Each part of
 * a process has its own `component` (up, api, collector, job, demo…).
 */
import { createLogger as createHydraLogger, type LogFormat, type Logger, type LogLevel } from '@hydra/logging';
import type { HydraConfig } from './config.ts';

export type { Logger };

/** A logger for `component` writing to stderr (or `destination`) at `level` and above. */
export function createLogger(
  component: string,
  level: LogLevel = 'info',
  format: LogFormat = 'json',
  destination?: NodeJS.WritableStream,
): Logger {
  return createHydraLogger({ component, level, format, ...(destination ? { destination } : {}) });
}

/** The logger of `component` with the level and format of the settings. */
export function loggerFor(component: string, config: Pick<HydraConfig, 'logLevel' | 'logFormat'>): Logger {
  return createLogger(component, config.logLevel, config.logFormat);
}
