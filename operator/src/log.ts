/** Structured logs: one JSON object per line (time, level, msg, plus fields such as monitor and error). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Record<string, unknown>): Logger;
}

/** A JSON-lines logger writing to `stream` (stderr by default) at `level` and above. */
export function createLogger(
  level: LogLevel = 'info',
  stream: NodeJS.WritableStream = process.stderr,
  base: Record<string, unknown> = {},
): Logger {
  const line = (severity: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (SEVERITY[severity] < SEVERITY[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: severity, msg, ...base, ...fields };
    if (entry.error instanceof Error) entry.error = entry.error.message;
    stream.write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    with: (fields) => createLogger(level, stream, { ...base, ...fields }),
  };
}
