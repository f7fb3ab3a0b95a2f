/**
 * hydra's own telemetry: a global MeterProvider whose Prometheus exporter
 * serves every `metrics.getMeter('hydra')` instrument of every package
 * (ingest counters, writer latency, anomaly scores…) at
 * http://HOST:HYDRA_METRICS_PORT/metrics. With `authenticate` (authentication
 * on, in the API and `hydra up`, whose exports carry analysis results with the
 * source series' labels) a scrape needs a bearer token with the
 * metrics:scrape scope (HYDRA_SCRAPE_TOKEN, or a JWT): 401/403 otherwise.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { metrics } from '@opentelemetry/api';
import type { createAuthenticator } from '@hydra/api';
import { ANALYSIS_METRICS } from '@hydra/analysis';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export const METRICS_ENDPOINT = '/metrics';

/** A bearer-token check (as createAuthenticator of @hydra/api builds it). */
type Authenticate = ReturnType<typeof createAuthenticator>;
export const TELEMETRY_SERVICE_NAME = 'hydra';

export interface Telemetry {
  /** URL Prometheus scrapes */
  url: string;
  /** Stops the exporter's server and unregisters the global provider; idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Installs the global MeterProvider and starts the exporter's HTTP server;
 * throws naming the port when it cannot listen.
 */
export async function startTelemetry(options: {
  host: string;
  port: number;
  component: string;
  version?: string;
  /** Checks the Authorization header of every scrape (metrics:scrape); none: the port answers anyone. */
  authenticate?: Authenticate;
}): Promise<Telemetry> {
  const exporter = new PrometheusExporter({
    host: options.host,
    port: options.port,
    endpoint: METRICS_ENDPOINT,
    preventServerStart: true,
    // no otel_scope_name/otel_scope_version on every series (all of hydra's are scope "hydra"): Prometheus users
    // do not expect them, and the analysis series keep their source's own otel_scope_name label unrenamed
    withoutScopeInfo: true,
    // the analysis results the API process exports (nothing in processes without an AnalysisExporter)
    metricProducers: [ANALYSIS_METRICS],
  });
  const server = createServer((req, res) => {
    serveScrape(exporter, options.authenticate, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('authentication is unavailable\n');
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw new Error(
      `HYDRA_METRICS_PORT: cannot serve metrics on ${options.host}:${options.port}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': TELEMETRY_SERVICE_NAME,
      ...(options.version ? { 'service.version': options.version } : {}),
      'hydra.component': options.component,
    }),
    readers: [exporter],
  });
  metrics.setGlobalMeterProvider(provider);
  let stopping: Promise<void> | null = null;
  return {
    url: `http://${formatHost(options.host)}:${options.port}${METRICS_ENDPOINT}`,
    shutdown() {
      stopping ??= (async () => {
        metrics.disable();
        await provider.shutdown();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopping;
    },
  };
}

/** GET /metrics, after the bearer-token check when there is one; 404 elsewhere. */
async function serveScrape(
  exporter: PrometheusExporter,
  authenticate: Authenticate | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if ((req.url ?? '').split('?')[0] !== METRICS_ENDPOINT) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: scrape ${METRICS_ENDPOINT}\n`);
    return;
  }
  if (authenticate) {
    const verdict = await authenticate(req.headers.authorization);
    if (!verdict.ok) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (verdict.status === 401) headers['www-authenticate'] = 'Bearer realm="hydra", scope="metrics:scrape"';
      res.writeHead(verdict.status, headers).end(`${verdict.message}\n`);
      return;
    }
  }
  exporter.getMetricsRequestHandler(req, res);
}

/** `host` as it goes in a URL (IPv6 in brackets). */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
