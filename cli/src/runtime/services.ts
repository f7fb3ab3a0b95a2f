/**
 * The network services a command runs: the OTLP collector (HTTP + gRPC) and
 * the HTTP API, with authentication resolved from HYDRA_AUTH & co. The API
 * comes with the analysis exporter (hydra_anomaly_*, hydra_forecast_*, … on
 * the metrics port, read from the database every HYDRA_EXPORT_INTERVAL).
 */
import { AnalysisExporter } from '@hydra/analysis';
import { poolRunner, processForecastPool } from './forecast-jobs.ts';
import { buildApp, createAuthenticator, resolveAuthConfig, type AuthConfig, type ConfiguredMonitor } from '@hydra/api';
import { startCollector, type Ingestor, type RunningCollector } from '@hydra/collector';
import type { Database } from '@hydra/storage';
import type { HydraConfig } from '../config.ts';
import { loggerFor } from '../log.ts';
import { formatHost } from '../telemetry.ts';

export const VERSION = '0.1.0';

/**
 * Auth of this process from the validated settings: off only for the
 * embedded database on loopback when HYDRA_AUTH=auto; throws when it is on
 * without a way to verify tokens.
 */
/**
 * The check of the exports port (:9464) when authentication is on (metrics:scrape), for the processes whose
 * exports carry analysis results with the source series' labels (the API, `hydra up`); undefined when it is off.
 */
export function scrapeAuthenticator(auth: AuthConfig): ReturnType<typeof createAuthenticator> | undefined {
  return auth.mode === 'on' ? createAuthenticator(auth, 'metrics:scrape') : undefined;
}

/** @param ingestOnly the process only ingests (the collector): HYDRA_INGEST_TOKEN alone suffices */
export function authFor(config: HydraConfig, ingestOnly = false): AuthConfig {
  const a = config.auth;
  const env: NodeJS.ProcessEnv = {
    HYDRA_AUTH: a.mode,
    HYDRA_JWT_SECRET: a.jwtSecret ?? '',
    HYDRA_OIDC_JWKS_URL: a.oidcJwksUrl ?? '',
    HYDRA_OIDC_ISSUER: a.oidcIssuer ?? '',
    HYDRA_OIDC_AUDIENCE: a.oidcAudience ?? '',
    HYDRA_INGEST_TOKEN: a.ingestToken ?? '',
    HYDRA_SCRAPE_TOKEN: a.scrapeToken ?? '',
  };
  return resolveAuthConfig(env, {
    embedded: config.databaseUrl === null,
    host: config.host,
    ingestTokenSuffices: ingestOnly,
  });
}

/** Starts the OTLP receivers on HYDRA_HOST:HYDRA_OTLP_HTTP_PORT / HYDRA_OTLP_GRPC_PORT. */
export function startCollectorService(
  ingestor: Ingestor,
  config: HydraConfig,
  auth: AuthConfig,
): Promise<RunningCollector> {
  return startCollector(ingestor, {
    host: config.host,
    httpPort: config.otlpHttpPort,
    grpcPort: config.otlpGrpcPort,
    limits: ingestor.limits,
    logger: loggerFor('collector', config),
    ...(auth.mode === 'on' ? { authenticate: createAuthenticator(auth, 'metrics:write') } : {}),
  });
}

export interface RunningApi {
  url: string;
  /** Stops accepting requests and finishes the open ones; idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the API (POST /metrics enabled when an ingestor is given), listens on HYDRA_HOST:HYDRA_API_PORT and
 * starts the analysis exporter (HYDRA_EXPORT_*); close() stops both.
 */
export async function startApiService(options: {
  db: Database;
  ingestor?: Ingestor;
  auth: AuthConfig;
  config: HydraConfig;
  /** the monitors this process runs, listed by GET /monitors with their spec */
  monitors?: readonly ConfiguredMonitor[];
}): Promise<RunningApi> {
  const { config } = options;
  const app = await buildApp({
    db: options.db,
    auth: options.auth,
    version: VERSION,
    logger: loggerFor('api', config),
    ...(options.ingestor ? { ingestor: options.ingestor } : {}),
    ...(options.monitors ? { monitors: options.monitors } : {}),
    forecastRunner: poolRunner(processForecastPool()),
  });
  try {
    await app.listen({ host: config.host, port: config.apiPort });
  } catch (err) {
    await app.close();
    throw new Error(`HYDRA_API_PORT: cannot listen on ${config.host}:${config.apiPort}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.apiPort;
  const exporter = new AnalysisExporter({
    db: options.db,
    ...config.exports,
    logger: app.log,
  });
  exporter.start();
  let closing: Promise<void> | null = null;
  return {
    url: `http://${formatHost(config.host)}:${port}`,
    close() {
      closing ??= exporter.shutdown().then(async () => {
        await app.close();
      });
      return closing;
    },
  };
}
