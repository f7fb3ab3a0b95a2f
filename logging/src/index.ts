/**
 * The one logger of every hydra process (collector, api, jobs, operator, the
 * `hydra` commands): pino writing one JSON object per line to stderr, so a
 * log stack (Loki, Elasticsearch) can parse every line without a grok
 * pattern. stdout stays for what a command prints as its result.
 *
 * A line:
 *   {"level":"info","time":"2026-11-26T08:00:00.000Z","pid":1,"hostname":"api-0","service":"hydra",
 *    "component":"api","version":"0.1.0","msg":"…"}
 *
 * `level` is the label (not pino's number), `time` ISO 8601 (UTC); errors go
 * under `err` as {type, message, stack}; a request under `req` as method,
 * url, host and client address (never its headers); secrets (authorization
 * headers, cookies, passwords, tokens, secret query values) are replaced by
 * "[Redacted]". docs/logs.md
 * describes the format and how to ship it.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import pino, {
  type BaseLogger,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger as PinoLogger,
  type LoggerOptions,
} from 'pino';

/**
 * The one logger interface: what every hydra library takes as `logger` in its options (as the OpenTelemetry
 * Collector hands each component its telemetry settings) and what every process makes with createLogger. It is
 * pino's: `log.info({ monitor }, 'msg')`, `log.error({ err }, 'msg')`, `log.child({ reconcileID })`. A library
 * given none uses `defaultLogger(component)`. A pino logger is one, and so is a fastify request's `request.log`.
 */
export interface Logger extends Pick<
  BaseLogger,
  'level' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
> {
  child(bindings: Bindings, options?: ChildLoggerOptions): Logger;
}

/** Levels accepted by HYDRA_LOG_LEVEL, most to least severe; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json` for machines (the default), `pretty` for a human at a terminal (HYDRA_LOG_FORMAT). */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
export const DEFAULT_LOG_FORMAT: LogFormat = 'json';
/** The `service` field of every line: what a log stack selects hydra's lines by. */
export const SERVICE_NAME = 'hydra';
/** What a redacted value is replaced by. */
export const REDACTED = '[Redacted]';

/**
 * Paths whose values never reach a log line (pino `redact`, fast-redact
 * syntax; `*` is one level of any key). Request and response headers as
 * fastify's serializers or a caller log them, and secrets at the top level
 * or one level down of any logged object.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  ...['password', 'token', 'accessToken', 'refreshToken', 'secret', 'jwtSecret', 'ingestToken', 'apiKey'].flatMap(
    (key) => [key, `*.${key}`],
  ),
];

/** Query parameters whose values are replaced by "[Redacted]" in logged URLs. */
const SECRET_QUERY_PARAM =
  /(^|[_-])(sig|auth)$|(token|secret|password|passwd|api[_-]?key|apikey|private[_-]?key|signature|authorization)$/i;

/** `url` with the values of secret-looking query parameters (token, api_key, password…) redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name: string;
      try {
        name = decodeURIComponent(pair.slice(0, eq));
      } catch {
        name = pair.slice(0, eq);
      }
      return SECRET_QUERY_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/**
 * How a request under `req` is logged (fastify's request, or node's IncomingMessage): method, url with
 * secret query values redacted, host and client address; never headers or body.
 */
function requestSerializer(req: unknown): unknown {
  if (typeof req !== 'object' || req === null) return req;
  const r = req as {
    method?: unknown;
    url?: unknown;
    host?: unknown;
    ip?: unknown;
    headers?: { host?: unknown };
    socket?: { remoteAddress?: unknown };
  };
  return {
    method: r.method,
    url: typeof r.url === 'string' ? redactUrl(r.url) : r.url,
    host: r.host ?? r.headers?.host,
    remoteAddress: r.ip ?? r.socket?.remoteAddress,
  };
}

export interface CreateLoggerOptions {
  /** What this process or part is: collector, api, operator, job, up, migrate… (the `component` field). */
  component: string;
  /** Lines below this level are dropped; default info. */
  level?: LogLevel;
  /** json (default) or pretty (pino-pretty, loaded only then). */
  format?: LogFormat;
  /** hydra's version (the `version` field); default this package's. */
  version?: string;
  /** Where lines go; default stderr (fd 2), written synchronously so nothing is lost at exit. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

const require = createRequire(import.meta.url);
const PACKAGE_VERSION = (require('../package.json') as { version: string }).version;

/**
 * A pino logger with hydra's fields. Add fields with `logger.child({ monitor })`.
 *
 * @throws Error naming the option when the level, format or component is invalid
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const level = options.level ?? DEFAULT_LOG_LEVEL;
  const format = options.format ?? DEFAULT_LOG_FORMAT;
  if (!LOG_LEVELS.includes(level)) {
    throw new Error(`createLogger: level must be one of ${LOG_LEVELS.join(', ')}, got '${String(level)}'`);
  }
  if (!LOG_FORMATS.includes(format)) {
    throw new Error(`createLogger: format must be one of ${LOG_FORMATS.join(', ')}, got '${String(format)}'`);
  }
  if (typeof options.component !== 'string' || options.component === '') {
    throw new Error('createLogger: component must be a non-empty string');
  }
  const settings: LoggerOptions = {
    level,
    base: {
      pid: process.pid,
      hostname: hostname(),
      service: SERVICE_NAME,
      component: options.component,
      version: options.version ?? PACKAGE_VERSION,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err, req: requestSerializer },
    hooks: { logMethod: withoutBoundKeys },
  };
  if (format === 'pretty') return withoutBoundChildKeys(pino(settings, prettyStream(options.destination)));
  // The level's label ("info"), not its number: what Loki labels and Elasticsearch keywords want.
  settings.formatters = { level: (label) => ({ level: label }) };
  const destination = options.destination ?? pino.destination({ dest: 2, sync: true });
  return withoutBoundChildKeys(pino(settings, destination as DestinationStream));
}

const defaults = new Map<string, Logger>();

/**
 * The logger a library uses when its options give none: createLogger's for `component` at the default level,
 * one per component for the process.
 */
export function defaultLogger(component: string): Logger {
  let logger = defaults.get(component);
  if (!logger) {
    logger = createLogger({ component });
    defaults.set(component, logger);
  }
  return logger;
}

/** Fields every line has (pid, hostname, service, component, version) and the ones pino writes itself. */
const LINE_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'service', 'component', 'version']);
const boundKeys = new WeakMap<object, Set<string>>();

/**
 * A line never carries a key twice (Elasticsearch refuses such a document; jq keeps one of them): a key of the
 * line's object that the logger already binds (hydra's fields, a child's `monitor`) is left out, the bound value
 * stands. pino's logMethod hook; `this` is the logger the line is logged on.
 */
function withoutBoundKeys(this: PinoLogger, args: Parameters<PinoLogger['info']>, method: (...a: unknown[]) => void) {
  const [first, ...rest] = args as unknown[];
  if (typeof first !== 'object' || first === null || first instanceof Error) return method.apply(this, args);
  return method.apply(this, [unbound(this, first as Record<string, unknown>), ...rest]);
}

/** The keys a logger's lines already carry: hydra's fields, pino's, and its (and its parents') child bindings. */
function keysOf(logger: PinoLogger): Set<string> {
  let bound = boundKeys.get(logger);
  if (!bound) {
    bound = new Set([...LINE_KEYS, ...Object.keys(logger.bindings())]);
    boundKeys.set(logger, bound);
  }
  return bound;
}

/** `fields` without the keys `logger` already binds (the same object when there is none). */
function unbound(logger: PinoLogger, fields: Record<string, unknown>): Record<string, unknown> {
  const bound = keysOf(logger);
  if (!Object.keys(fields).some((key) => bound.has(key))) return fields;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (!bound.has(key)) kept[key] = value;
  return kept;
}

/** `root` whose children (and theirs, which inherit the method) bind no key a parent already binds. */
function withoutBoundChildKeys(root: PinoLogger): PinoLogger {
  const pinoChild = root.child;
  root.child = function (this: PinoLogger, bindings: Bindings, options?: ChildLoggerOptions) {
    return Reflect.apply(pinoChild, this, [unbound(this, bindings), options]) as PinoLogger;
  } as unknown as PinoLogger['child'];
  return root;
}

/** pino-pretty as a synchronous stream, required only when HYDRA_LOG_FORMAT=pretty. */
function prettyStream(destination: CreateLoggerOptions['destination']): DestinationStream {
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  return pretty({
    destination: destination ?? 2,
    sync: true,
    colorize: destination === undefined && process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,version,component',
    messageFormat: '[{component}] {msg}',
  });
}

export { DURATION_BUCKETS_SECONDS } from './telemetry.ts';
