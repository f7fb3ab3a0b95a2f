/**
 * `buildApp(options)` assembles the HTTP API; it never listens (the `hydra`
 * commands do), so tests drive it with `app.inject()`.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Database } from '@hydra/storage';
import type { Ingestor } from '@hydra/collector';
import type { Logger } from '@hydra/logging';
import { echoRequestId, requestLogging } from '@hydra/logging/fastify';
import type { AuthConfig } from './auth/config.ts';
import { validateAuthConfig } from './auth/config.ts';
import authPlugin from './auth/plugin.ts';
import { resolveQueryLimits } from './limits.ts';
import type { QueryLimits } from './limits.ts';
import databasePlugin from './plugins/database.ts';
import errorHandlerPlugin from './plugins/error-handler.ts';
import openApiPlugin from './plugins/openapi.ts';
import telemetryPlugin from './plugins/telemetry.ts';
import textParamsPlugin from './plugins/text-params.ts';
import { AlertService, type ForecastRunner } from '@hydra/analysis';
import alertRoutes from './routes/alerts/index.ts';
import analyticsRoutes from './routes/analytics/index.ts';
import healthRoutes from './routes/health/index.ts';
import labelsRoutes from './routes/labels/index.ts';
import metricsRoutes from './routes/metrics/index.ts';
import monitorRoutes, { type ConfiguredMonitor } from './routes/monitors/index.ts';
import predictionRoutes from './routes/predictions/index.ts';
import seriesRoutes from './routes/series/index.ts';
import silenceRoutes from './routes/silences/index.ts';
import { addSharedSchemas, MAX_PARAM_LENGTH } from '@hydra/contract';

/** Largest request body (the seed JSON ingest is the only route with one). */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** A request that has not been fully received within this is answered 408. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Idle keep-alive connections are closed after this. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** Probes whose successful requests are logged at debug, not info. */
export const QUIET_PATHS = ['/healthz', '/readyz'];
/** Version reported by /healthz and the OpenAPI document when none is given. */
export const DEFAULT_VERSION = '0.1.0';

export interface AppOptions {
  db: Database;
  /** Enables the seed's POST /metrics ingest. */
  ingestor?: Ingestor;
  auth: AuthConfig;
  /**
   * The process's logger (`createLogger` of @hydra/logging): request lines carry `reqId`, the client's
   * X-Request-Id or a new UUID, echoed in the `x-request-id` response header. Nothing is logged when omitted.
   */
  logger?: Logger;
  queryLimits?: Partial<QueryLimits>;
  version?: string;
  /** The AlertService behind acknowledge and silences; one on `db` without notification targets when omitted. */
  alerts?: AlertService;
  /**
   * Monitors this process runs (hydra.yaml under `hydra up`), listed by GET /monitors with their spec; monitors
   * known only from the database (job runs, alerts: HydraMonitor resources in Kubernetes) are listed too.
   */
  monitors?: readonly ConfiguredMonitor[];
  /**
   * Where GET /predictions fits the forecasts it computes on request: the `hydra` command passes the worker pool
   * its forecast jobs use, so fits stay off the event loop; this thread (between requests' I/O) when omitted.
   */
  forecastRunner?: ForecastRunner;
}

/**
 * Builds the fastify instance with every route registered (not yet listening).
 *
 * @throws AuthConfigError when `options.auth` is on without a way to verify tokens
 * @throws Error naming the query limit that is not a positive integer
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  validateAuthConfig(options.auth);
  const limits = resolveQueryLimits(options.queryLimits);
  const version = options.version ?? DEFAULT_VERSION;

  const app = Fastify({
    ...requestLogging({ logger: options.logger, quietPaths: QUIET_PATHS }),
    bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
    requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  echoRequestId(app);
  addSharedSchemas(app);
  await app.register(errorHandlerPlugin);
  await app.register(telemetryPlugin);
  await app.register(textParamsPlugin);
  await app.register(databasePlugin, { db: options.db });
  await app.register(openApiPlugin, { version });
  await app.register(healthRoutes, { version });
  await app.register(async (secured) => {
    await secured.register(authPlugin, { config: options.auth });
    await secured.register(metricsRoutes, { limits, ...(options.ingestor ? { ingestor: options.ingestor } : {}) });
    await secured.register(seriesRoutes, { limits });
    await secured.register(labelsRoutes, { limits });
    await secured.register(predictionRoutes, {
      limits,
      ...(options.forecastRunner ? { runner: options.forecastRunner } : {}),
    });
    const alerts = options.alerts ?? new AlertService({ db: options.db });
    await secured.register(alertRoutes, { alerts });
    await secured.register(silenceRoutes, { alerts });
    await secured.register(analyticsRoutes, { limits });
    await secured.register(monitorRoutes, { monitors: options.monitors ?? [] });
  });
  return app;
}
