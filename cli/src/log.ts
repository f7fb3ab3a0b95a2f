/**
 * Log lines of the `hydra` commands: @hydra/logging's JSON lines on stderr
 * (stdout stays for what a command prints as its result), filtered by
 * HYDRA_LOG_LEVEL, human-readable with HYDRA_LOG_FORMAT=pretty. Each part of
 * a process has its own `component` (up, api, collector, job, demo…).
 */
import { createLogger, type Logger } from '@hydra/logging';
import type { MonitorRef } from '@hydra/analysis';
import type { JobKind } from './commands/job-kinds.ts';
import type { HydraConfig } from './config.ts';

export type { Logger };

/** The logger of `component` with the level and format of the settings. */
export function loggerFor(component: string, config: Pick<HydraConfig, 'logLevel' | 'logFormat'>): Logger {
  return createLogger({ component, level: config.logLevel, format: config.logFormat });
}

/**
 * The logger of one monitor's passes of one kind: every line names the monitor and the kind (what a log stack
 * filters by), once (@hydra/logging leaves out a line's field that repeats a bound one).
 */
export function passLogger(log: Logger, monitor: MonitorRef, kind: JobKind): Logger {
  return log.child({ monitor: monitor.key, kind });
}
