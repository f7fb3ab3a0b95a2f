/**
 * Every setting of the `hydra` commands, read from the environment once at
 * start-up and validated there: a bad value stops the process with a message
 * that names the variable and the reason, never later on a hot path.
 *
 * `SETTINGS` is the single table of names, defaults and descriptions; the
 * repo's `.env.example` and the table in docs/operations.md list the same
 * settings (a test fails when `.env.example` drifts from it).
 */
import path from 'node:path';
import { LOG_FORMATS, type LogFormat } from '@hydra/logging';
import {
  DEFAULT_EXPORT_HORIZONS,
  DEFAULT_EXPORT_MAX_SERIES,
  MAX_EXPORT_SERIES,
  parseHorizons,
  type ExportHorizon,
} from '@hydra/analysis';
import { DEFAULT_LIMITS } from '@hydra/collector';
import {
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_LABEL_LENGTH,
  DEFAULT_MAX_SERIES_PER_METRIC,
  DEFAULT_METRICS_PORT,
  DEFAULT_OTLP_GRPC_PORT,
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_RETENTION_DAYS,
  MAX_RETENTION_DAYS,
  parseDuration,
  parseExternalUrl,
} from '@hydra/schema';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_FLUSH_INTERVAL_MS,
  DEFAULT_MAX_QUEUED_ROWS,
  DEFAULT_WRITER_CONNECTIONS,
  STORAGE_MODES,
  type StorageModeSetting,
} from '@hydra/storage';

export const DEFAULT_DATA_DIR = '.hydra';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 8080;
export const DEFAULT_DASHBOARD_PORT = 3000;
export const DEFAULT_SEED_DAYS = 3;
export const DEFAULT_MONITORS_FILE = 'hydra.yaml';
export const DEFAULT_EXPORT_INTERVAL = '15s';
export const DEFAULT_EXPORT_MAX_AGE = '1h';

const MAX_SEED_DAYS = 90;
const AUTH_MODES = ['auto', 'on', 'off'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export type AuthMode = (typeof AUTH_MODES)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One environment variable: its default (as written in `.env.example`) and what it does. */
export interface Setting {
  env: string;
  default: string;
  description: string;
}

/** The settings in the order `.env.example` and docs/operations.md list them. */
export const SETTINGS: readonly Setting[] = [
  {
    env: 'DATABASE_URL',
    default: '',
    description: 'PostgreSQL/TimescaleDB URL; empty runs the embedded PGlite under HYDRA_DATA_DIR/pgdata',
  },
  {
    env: 'HYDRA_DATA_DIR',
    default: DEFAULT_DATA_DIR,
    description: 'directory for local state (the embedded database)',
  },
  {
    env: 'HYDRA_STORAGE',
    default: 'auto',
    description: 'storage mode: auto (timescaledb when the extension exists), postgres or timescaledb',
  },
  {
    env: 'HYDRA_HOST',
    default: DEFAULT_HOST,
    description: 'address every listener binds to; 0.0.0.0 to accept remote clients (turns auth on)',
  },
  { env: 'HYDRA_API_PORT', default: String(DEFAULT_API_PORT), description: 'HTTP API port (GET/POST /metrics, /docs)' },
  {
    env: 'HYDRA_OTLP_HTTP_PORT',
    default: String(DEFAULT_OTLP_HTTP_PORT),
    description: 'OTLP/HTTP receiver port (POST /v1/metrics)',
  },
  { env: 'HYDRA_OTLP_GRPC_PORT', default: String(DEFAULT_OTLP_GRPC_PORT), description: 'OTLP/gRPC receiver port' },
  {
    env: 'HYDRA_METRICS_PORT',
    default: String(DEFAULT_METRICS_PORT),
    description: "Prometheus exporter port for hydra's own metrics (GET /metrics)",
  },
  {
    env: 'HYDRA_EXPORT_MAX_SERIES',
    default: String(DEFAULT_EXPORT_MAX_SERIES),
    description: 'most series per analysis family the API exports on the metrics port (highest scores kept)',
  },
  {
    env: 'HYDRA_EXPORT_MAX_AGE',
    default: DEFAULT_EXPORT_MAX_AGE,
    description: 'analysis results older than this are not exported (forecasts get 15m more for hourly jobs)',
  },
  {
    env: 'HYDRA_EXPORT_FORECAST_HORIZONS',
    default: DEFAULT_EXPORT_HORIZONS,
    description: 'horizons hydra_forecast_value/lower/upper are exported at (the `horizon` label)',
  },
  {
    env: 'HYDRA_EXPORT_INTERVAL',
    default: DEFAULT_EXPORT_INTERVAL,
    description: 'how often the API re-reads the analysis results it exports',
  },
  { env: 'HYDRA_DASHBOARD_PORT', default: String(DEFAULT_DASHBOARD_PORT), description: 'dashboard port' },
  {
    env: 'HYDRA_EXTERNAL_URL',
    default: '',
    description:
      "URL users reach the dashboard at (like Prometheus' --web.external-url): Alertmanager's generatorURL links there; empty: `hydra up` links to its own dashboard, `hydra job` sends none",
  },
  {
    env: 'HYDRA_AUTH',
    default: 'auto',
    description: 'auto (off only for the embedded database on a loopback address), on or off',
  },
  { env: 'HYDRA_JWT_SECRET', default: '', description: 'HS256 secret that signs bearer tokens' },
  { env: 'HYDRA_OIDC_JWKS_URL', default: '', description: "an OIDC issuer's JWKS URL, instead of HYDRA_JWT_SECRET" },
  { env: 'HYDRA_OIDC_ISSUER', default: '', description: 'required `iss` claim of bearer tokens' },
  { env: 'HYDRA_OIDC_AUDIENCE', default: '', description: 'required `aud` claim of bearer tokens' },
  {
    env: 'HYDRA_INGEST_TOKEN',
    default: '',
    description: 'static bearer token accepted for writes (OTLP exporters send it as a header)',
  },
  {
    env: 'HYDRA_SCRAPE_TOKEN',
    default: '',
    description: 'static bearer token Prometheus sends to scrape :9464 when authentication is on',
  },
  {
    env: 'HYDRA_RETENTION_DAYS',
    default: String(DEFAULT_RETENTION_DAYS),
    description: 'days of raw samples kept; older partitions are dropped and older points refused',
  },
  {
    env: 'HYDRA_DEMO',
    default: 'true',
    description: '`hydra up` runs the built-in demo workload (and seeds an empty database)',
  },
  {
    env: 'HYDRA_SEED_DAYS',
    default: String(DEFAULT_SEED_DAYS),
    description: 'days of demo history `hydra seed` writes',
  },
  {
    env: 'HYDRA_MAX_BODY_BYTES',
    default: String(DEFAULT_MAX_BODY_BYTES),
    description: 'largest request body after decompression (413 above)',
  },
  {
    env: 'HYDRA_MAX_ATTRIBUTES',
    default: String(DEFAULT_MAX_ATTRIBUTES),
    description: 'most attributes per point; points with more are rejected',
  },
  {
    env: 'HYDRA_MAX_LABEL_LENGTH',
    default: String(DEFAULT_MAX_LABEL_LENGTH),
    description: 'longest label name or value in bytes',
  },
  {
    env: 'HYDRA_MAX_SERIES_PER_METRIC',
    default: String(DEFAULT_MAX_SERIES_PER_METRIC),
    description: 'cardinality limit: series per metric name',
  },
  {
    env: 'HYDRA_MAX_FUTURE_SECONDS',
    default: String(DEFAULT_LIMITS.maxFutureSeconds),
    description: 'points further than this in the future are rejected (clock skew allowance)',
  },
  {
    env: 'HYDRA_WRITER_BATCH_ROWS',
    default: String(DEFAULT_BATCH_SIZE),
    description: 'rows per write transaction (group commit)',
  },
  {
    env: 'HYDRA_WRITER_FLUSH_MS',
    default: String(DEFAULT_FLUSH_INTERVAL_MS),
    description: 'longest wait before a partial batch is committed (0: commit as soon as a writer connection is free)',
  },
  {
    env: 'HYDRA_WRITER_QUEUE_ROWS',
    default: String(DEFAULT_MAX_QUEUED_ROWS),
    description: 'rows queued before the collector answers 429',
  },
  {
    env: 'HYDRA_WRITER_CONNECTIONS',
    default: String(DEFAULT_WRITER_CONNECTIONS),
    description: 'concurrent writer connections (1 on the embedded database)',
  },
  {
    env: 'HYDRA_MONITORS',
    default: DEFAULT_MONITORS_FILE,
    description: 'HydraMonitor YAML file whose anomaly jobs `hydra up` runs and `hydra job` reads',
  },
  { env: 'HYDRA_LOG_LEVEL', default: 'info', description: `log level: ${LOG_LEVELS.join(', ')}` },
  {
    env: 'HYDRA_LOG_FORMAT',
    default: 'json',
    description: 'json (one JSON object per line on stderr, for log stacks) or pretty (for a human at a terminal)',
  },
];

/** The validated settings. */
export interface HydraConfig {
  /** null: run the embedded PGlite in `embeddedDataDir` */
  databaseUrl: string | null;
  dataDir: string;
  embeddedDataDir: string;
  storage: StorageModeSetting;
  host: string;
  apiPort: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  metricsPort: number;
  /** the analysis results the API exports on the metrics port */
  exports: { maxSeries: number; maxAgeMs: number; horizons: ExportHorizon[]; intervalMs: number };
  dashboardPort: number;
  /** where users reach the dashboard (no trailing slash); null: not set (see externalUrlOf) */
  externalUrl: string | null;
  auth: {
    mode: AuthMode;
    jwtSecret: string | null;
    oidcJwksUrl: string | null;
    oidcIssuer: string | null;
    oidcAudience: string | null;
    ingestToken: string | null;
    scrapeToken: string | null;
  };
  retentionDays: number;
  demo: boolean;
  seedDays: number;
  limits: {
    maxBodyBytes: number;
    maxAttributes: number;
    maxLabelLength: number;
    maxSeriesPerMetric: number;
    maxFutureSeconds: number;
  };
  writer: { batchRows: number; flushMs: number; queueRows: number; connections: number };
  /** the HydraMonitor file (hydra.yaml) */
  monitorsFile: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/**
 * The external URL alert links point at: HYDRA_EXTERNAL_URL, else (`hydra up`) the dashboard this process serves;
 * null when neither (a `hydra job` without the setting sends Alertmanager an empty generatorURL).
 */
export function externalUrlOf(config: Pick<HydraConfig, 'externalUrl'>, ownDashboardUrl?: string): string | null {
  return config.externalUrl ?? ownDashboardUrl ?? null;
}

/** A setting with a value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`${setting}: ${reason}`);
  }
}

/** Reads and validates every setting; throws ConfigError naming the first bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HydraConfig {
  const read = new SettingReader(env);
  const dataDir = read.text('HYDRA_DATA_DIR') || DEFAULT_DATA_DIR;
  const config: HydraConfig = {
    databaseUrl: read.databaseUrl('DATABASE_URL'),
    dataDir,
    embeddedDataDir: path.join(dataDir, 'pgdata'),
    storage: read.oneOf('HYDRA_STORAGE', STORAGE_MODES),
    host: read.host('HYDRA_HOST'),
    apiPort: read.port('HYDRA_API_PORT'),
    otlpHttpPort: read.port('HYDRA_OTLP_HTTP_PORT'),
    otlpGrpcPort: read.port('HYDRA_OTLP_GRPC_PORT'),
    metricsPort: read.port('HYDRA_METRICS_PORT'),
    exports: {
      maxSeries: read.integer('HYDRA_EXPORT_MAX_SERIES', 1, MAX_EXPORT_SERIES),
      maxAgeMs: read.duration('HYDRA_EXPORT_MAX_AGE', 1_000, 366 * 86_400_000),
      horizons: read.horizons('HYDRA_EXPORT_FORECAST_HORIZONS'),
      intervalMs: read.duration('HYDRA_EXPORT_INTERVAL', 1_000, 3_600_000),
    },
    dashboardPort: read.port('HYDRA_DASHBOARD_PORT'),
    externalUrl: read.externalUrl('HYDRA_EXTERNAL_URL'),
    auth: {
      mode: read.oneOf('HYDRA_AUTH', AUTH_MODES),
      jwtSecret: read.optional('HYDRA_JWT_SECRET'),
      oidcJwksUrl: read.optionalUrl('HYDRA_OIDC_JWKS_URL'),
      oidcIssuer: read.optional('HYDRA_OIDC_ISSUER'),
      oidcAudience: read.optional('HYDRA_OIDC_AUDIENCE'),
      ingestToken: read.optional('HYDRA_INGEST_TOKEN'),
      scrapeToken: read.optional('HYDRA_SCRAPE_TOKEN'),
    },
    retentionDays: read.integer('HYDRA_RETENTION_DAYS', 1, MAX_RETENTION_DAYS),
    demo: read.boolean('HYDRA_DEMO'),
    seedDays: read.integer('HYDRA_SEED_DAYS', 0, MAX_SEED_DAYS),
    limits: {
      maxBodyBytes: read.integer('HYDRA_MAX_BODY_BYTES', 1024, 2 ** 31 - 1),
      maxAttributes: read.integer('HYDRA_MAX_ATTRIBUTES', 1, 10_000),
      maxLabelLength: read.integer('HYDRA_MAX_LABEL_LENGTH', 16, 1024 * 1024),
      maxSeriesPerMetric: read.integer('HYDRA_MAX_SERIES_PER_METRIC', 1, 100_000_000),
      maxFutureSeconds: read.integer('HYDRA_MAX_FUTURE_SECONDS', 1, 366 * 86_400),
    },
    writer: {
      batchRows: read.integer('HYDRA_WRITER_BATCH_ROWS', 1, 10_000_000),
      flushMs: read.integer('HYDRA_WRITER_FLUSH_MS', 0, 60_000),
      queueRows: read.integer('HYDRA_WRITER_QUEUE_ROWS', 1, 100_000_000),
      connections: read.integer('HYDRA_WRITER_CONNECTIONS', 1, 64),
    },
    monitorsFile: read.text('HYDRA_MONITORS'),
    logLevel: read.oneOf('HYDRA_LOG_LEVEL', LOG_LEVELS),
    logFormat: read.oneOf('HYDRA_LOG_FORMAT', LOG_FORMATS),
  };
  if (config.writer.queueRows < config.writer.batchRows) {
    throw new ConfigError(
      'HYDRA_WRITER_QUEUE_ROWS',
      `${config.writer.queueRows} is below HYDRA_WRITER_BATCH_ROWS (${config.writer.batchRows})`,
    );
  }
  return config;
}

const DEFAULTS = new Map(SETTINGS.map((s) => [s.env, s.default]));
const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Reads one variable at a time, falling back to its default from SETTINGS. */
class SettingReader {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  text(name: string): string {
    const fallback = DEFAULTS.get(name);
    if (fallback === undefined) throw new Error(`config: ${name} is not in SETTINGS`);
    const raw = this.env[name];
    return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
  }

  optional(name: string): string | null {
    return this.text(name) || null;
  }

  optionalUrl(name: string): string | null {
    const value = this.optional(name);
    if (value !== null && !URL.canParse(value)) throw new ConfigError(name, `'${value}' is not a URL`);
    return value;
  }

  externalUrl(name: string): string | null {
    const value = this.optional(name);
    if (value === null) return null;
    try {
      return parseExternalUrl(value, name);
    } catch (err) {
      throw new ConfigError(name, (err as RangeError).message.replace(`${name}: `, ''));
    }
  }

  databaseUrl(name: string): string | null {
    const value = this.optional(name);
    if (value === null) return null;
    const url = URL.canParse(value) ? new URL(value) : null;
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
      throw new ConfigError(name, 'must be a postgres:// or postgresql:// URL (or empty for the embedded database)');
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.text(name).toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) {
      throw new ConfigError(name, `'${value}' is not one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  integer(name: string, min: number, max: number): number {
    const value = this.text(name);
    if (!/^\d+$/.test(value)) throw new ConfigError(name, `'${value}' is not a whole number`);
    const n = Number(value);
    if (n < min || n > max) throw new ConfigError(name, `${n} is outside ${min}…${max}`);
    return n;
  }

  port(name: string): number {
    // 0 asks the operating system for a free port (tests and side-by-side runs).
    return this.integer(name, 0, 65_535);
  }

  boolean(name: string): boolean {
    const value = this.text(name).toLowerCase();
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    throw new ConfigError(name, `'${value}' is not true or false`);
  }

  /** A Prometheus-style duration (`15s`, `1h30m`) in ms within [minMs, maxMs]. */
  duration(name: string, minMs: number, maxMs: number): number {
    const value = this.text(name);
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (err) {
      throw new ConfigError(name, (err as Error).message);
    }
    if (ms < minMs || ms > maxMs)
      throw new ConfigError(name, `${value} is outside ${minMs / 1000} s…${maxMs / 1000} s`);
    return ms;
  }

  horizons(name: string): ExportHorizon[] {
    try {
      return parseHorizons(this.text(name));
    } catch (err) {
      throw new ConfigError(name, (err as Error).message);
    }
  }

  host(name: string): string {
    const value = this.text(name);
    if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) throw new ConfigError(name, `'${value}' is not a host name or IP address`);
    return value;
  }
}
