/**
 * The operator's logger: @hydra/logging's JSON lines (component `operator`)
 * behind the small interface the controller code uses, `log.info(msg, fields)`
 * and `log.with(fields)` for a child logger whose lines all carry `fields`
 * (a reconcile's `monitor` and `reconcileID`, a lease…). An Error under
 * `error` is logged as `err` ({type, message, stack}), like everywhere else.
 */
import { createLogger as createHydraLogger, type Logger as PinoLogger } from '@hydra/logging';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

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
  stream?: NodeJS.WritableStream,
  base: Record<string, unknown> = {},
): Logger {
  const root = createHydraLogger({ component: 'operator', level, ...(stream ? { destination: stream } : {}) });
  return wrap(Object.keys(base).length > 0 ? root.child(withErr(base)) : root);
}

function wrap(pino: PinoLogger): Logger {
  const line = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
    if (fields) pino[level](withErr(fields), msg);
    else pino[level](msg);
  };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    with: (fields) => wrap(pino.child(withErr(fields))),
  };
}

/**
 * `{ error }` → `{ err }`, the key pino serializes as an error. A value that is not an Error becomes
 * `{ message }`, so `err` is always an object (one mapping in Elasticsearch); undefined is left out.
 */
function withErr(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('error' in fields) || 'err' in fields) return fields;
  const { error, ...rest } = fields;
  if (error === undefined) return rest;
  return { ...rest, err: error instanceof Error ? error : { message: String(error) } };
}
