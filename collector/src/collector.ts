/**
 * startCollector: the OTLP receivers of one process. HTTP (fastify) on 4318
 * serves POST /v1/metrics, the seed's POST /metrics and GET /healthz; gRPC on
 * 4317 serves MetricsService/Export. Both feed the same Ingestor. Shutdown
 * stops intake on both, waits for in-flight requests, and is idempotent.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '@hydra/logging';
import { echoRequestId, requestLogging } from '@hydra/logging/fastify';
import type { Authenticate } from '@hydra/contract';
import { startGrpcReceiver, type RunningGrpcReceiver } from './grpc/server.ts';
import { OTLP_METRICS_PATH, otlpHttpRoute } from './http/otlp-route.ts';
import { REMOTE_WRITE_PATH, remoteWriteRoute } from './http/remote-write-route.ts';
import { SEED_METRICS_PATH, seedErrorHandler, seedJsonRoute } from './http/seed-route.ts';
import type { Ingestor } from './ingestor.ts';
import type { IngestLimits } from './limits.ts';
import { createTelemetry } from './telemetry.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 4318;
export const DEFAULT_GRPC_PORT = 4317;
/** How long shutdown waits for in-flight requests before closing connections. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;
export const HEALTH_PATH = '/healthz';
/** Level of the logger startCollector makes when none is given. */
export const DEFAULT_LOG_LEVEL = 'warn';

export interface CollectorOptions {
  host: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  grpcPort: number;
  /**
   * Limits are the Ingestor's (it validates them); this field is accepted for
   * the contract and must agree with them when set.
   */
  limits?: Partial<IngestLimits>;
  authenticate?: Authenticate;
  /**
   * The process's logger (@hydra/logging), for the request lines (they carry `reqId`: X-Request-Id or a new UUID)
   * and the gRPC receiver's failures. startCollector's default: a `collector` logger on stderr at warn;
   * buildHttpReceiver's: none (no request lines).
   */
  logger?: Logger;
  shutdownDeadlineMs?: number;
}

export interface RunningCollector {
  httpUrl: string;
  grpcAddress: string;
  shutdown(): Promise<void>;
}

const DEFAULT_OPTIONS: CollectorOptions = {
  host: DEFAULT_HOST,
  httpPort: DEFAULT_HTTP_PORT,
  grpcPort: DEFAULT_GRPC_PORT,
  shutdownDeadlineMs: DEFAULT_SHUTDOWN_DEADLINE_MS,
};

function validate(options: CollectorOptions, ingestor: Ingestor): void {
  for (const field of ['httpPort', 'grpcPort'] as const) {
    const port = options[field];
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`collector options: ${field} must be an integer port in 0..65535, got ${String(port)}`);
    }
  }
  if (typeof options.host !== 'string' || options.host === '') throw new Error('collector options: host must be set');
  for (const [key, value] of Object.entries(options.limits ?? {})) {
    const effective = ingestor.limits[key as keyof IngestLimits];
    if (value !== undefined && value !== effective) {
      throw new Error(
        `collector options: limits.${key}=${String(value)} differs from the Ingestor's ${effective}; set limits on the Ingestor`,
      );
    }
  }
}

/** Build the HTTP receiver without listening (tests use inject()). */
export async function buildHttpReceiver(
  ingestor: Ingestor,
  options: Pick<CollectorOptions, 'authenticate' | 'logger'> & { isClosing?: () => boolean },
): Promise<FastifyInstance> {
  const app = Fastify({
    // Accepted exports are counted (hydra_collector_requests_total), not logged one line each at info: a busy
    // collector answers hundreds a second. Refused ones (4xx/5xx) are still logged at info with their reason.
    ...requestLogging({
      logger: options.logger,
      quietPaths: [HEALTH_PATH, OTLP_METRICS_PATH, REMOTE_WRITE_PATH, SEED_METRICS_PATH],
    }),
    bodyLimit: ingestor.limits.maxBodyBytes,
    forceCloseConnections: 'idle',
  });
  echoRequestId(app);
  const telemetry = createTelemetry();
  const authenticate = options.authenticate;
  if (authenticate) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === HEALTH_PATH) return;
      const verdict = await authenticate(request.headers.authorization);
      if (!verdict.ok) {
        const error = verdict.status === 401 ? 'unauthorized' : 'forbidden';
        if (verdict.status === 401) void reply.header('www-authenticate', 'Bearer');
        return reply.code(verdict.status).send({ error, message: verdict.message, details: {} });
      }
    });
  }
  app.get(HEALTH_PATH, async (_request, reply) =>
    options.isClosing?.() ? reply.code(503).send({ status: 'shutting_down' }) : { status: 'ok' },
  );
  await app.register(otlpHttpRoute, { ingestor, telemetry });
  await app.register(remoteWriteRoute, { ingestor, telemetry });
  await app.register(async (scope) => {
    scope.setErrorHandler(seedErrorHandler);
    await scope.register(seedJsonRoute, { ingestor });
  });
  return app;
}

/** Start the HTTP and gRPC receivers in front of `ingestor`; resolves once both listen. */
export async function startCollector(
  ingestor: Ingestor,
  options: Partial<CollectorOptions> = {},
): Promise<RunningCollector> {
  const config: CollectorOptions = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
  validate(config, ingestor);
  let closing = false;
  const app = await buildHttpReceiver(ingestor, {
    authenticate: config.authenticate,
    logger: config.logger ?? createLogger({ component: 'collector', level: DEFAULT_LOG_LEVEL }),
    isClosing: () => closing,
  });
  try {
    await app.listen({ host: config.host, port: config.httpPort });
  } catch (err) {
    await app.close();
    throw new Error(
      `OTLP HTTP receiver could not listen on ${config.host}:${config.httpPort}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  let grpc: RunningGrpcReceiver;
  try {
    grpc = await startGrpcReceiver({
      host: config.host,
      port: config.grpcPort,
      ingestor,
      telemetry: createTelemetry(),
      authenticate: config.authenticate,
      logger: app.log,
    });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
  const httpHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopped: Promise<void> | null = null;
  return {
    httpUrl: `http://${httpHost}:${httpPort}`,
    grpcAddress: grpc.address,
    shutdown() {
      stopped ??= (async () => {
        closing = true;
        const deadline = config.shutdownDeadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
        await Promise.all([app.close(), grpc.shutdown(deadline)]);
      })();
      return stopped;
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
