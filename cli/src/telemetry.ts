/**
 * hydra's own telemetry: a global MeterProvider whose Prometheus exporter
 * serves every `metrics.getMeter('hydra')` instrument of every package
 * (ingest counters, writer latency, anomaly scores…) at
 * http://HOST:HYDRA_METRICS_PORT/metrics.
 */
import { metrics } from '@opentelemetry/api';
import { ANALYSIS_METRICS } from '@hydra/analysis';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export const METRICS_ENDPOINT = '/metrics';
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
  try {
    await exporter.startServer();
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
      })();
      return stopping;
    },
  };
}

/** `host` as it goes in a URL (IPv6 in brackets). */
export function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
