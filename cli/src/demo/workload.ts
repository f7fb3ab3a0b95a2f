/**
 * The live demo workload: one OpenTelemetry MeterProvider per host (resource
 * service.name=demo-shop, host.name=web-N) exporting every EXPORT_INTERVAL_MS
 * through the real OTLP/HTTP protobuf exporter to the collector. Gauges are
 * observed from the signal model; a traffic loop records request latencies
 * and errors drawn from it. Incidents are logged when they start and end.
 */
import type { Attributes, Counter, Histogram, ObservableGauge } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  DEMO_HOSTS,
  DEMO_METRICS,
  DEMO_SCOPE_NAME,
  FILESYSTEM_ATTRIBUTES,
  LATENCY_BOUNDS_MS,
  resourceAttributes,
  type HostProfile,
} from './hosts.ts';
import { INCIDENT_KINDS, incidentsBetween, type Incident } from './incidents.ts';
import { mulberry32 } from '@hydra/analytics';
import type { Logger } from '@hydra/logging';
import { gaussian, poissonFrom } from './random.ts';
import { LATENCY_LOG_SIGMA, hostSignals } from './signals.ts';

export const EXPORT_INTERVAL_MS = 5_000;
export const EXPORT_TIMEOUT_MS = 4_000;
/** How often the traffic loop records a second's worth of requests. */
export const TRAFFIC_TICK_MS = 1_000;
/** Cap on requests recorded per host per tick (bounds the loop's CPU). */
export const MAX_REQUESTS_PER_TICK = 500;

export interface DemoWorkloadOptions {
  /** OTLP/HTTP base URL of the collector, e.g. http://127.0.0.1:4318 */
  otlpHttpUrl: string;
  seed: number;
  /** extra request headers, e.g. Authorization with the ingest token */
  headers?: Record<string, string>;
  exportIntervalMs?: number;
  logger: Logger;
}

interface HostMeters {
  host: HostProfile;
  provider: MeterProvider;
  latency: Histogram;
  errors: Counter;
}

export interface DemoWorkload {
  /** Stops traffic and flushes the last export; idempotent. */
  shutdown(): Promise<void>;
}

/** Starts the demo hosts; their first export follows after one export interval. */
export function startDemoWorkload(options: DemoWorkloadOptions): DemoWorkload {
  const random = mulberry32(options.seed ^ Date.now());
  const hosts = DEMO_HOSTS.map((host) => hostMeters(host, options));
  let lastTickMs = Date.now();
  for (const incident of incidentsBetween(options.seed, lastTickMs, lastTickMs + 1))
    logIncident(options, 'running', incident);

  const timer = setInterval(() => {
    const now = Date.now();
    for (const incident of incidentsBetween(options.seed, lastTickMs, now + 1)) {
      if (incident.startMs > lastTickMs && incident.startMs <= now) logIncident(options, 'started', incident);
      if (incident.endMs > lastTickMs && incident.endMs <= now) logIncident(options, 'ended', incident);
    }
    const seconds = (now - lastTickMs) / 1000;
    lastTickMs = now;
    for (const h of hosts) recordTraffic(h, options.seed, now, seconds, random);
  }, TRAFFIC_TICK_MS);

  let stopping: Promise<void> | null = null;
  return {
    shutdown() {
      stopping ??= (async () => {
        clearInterval(timer);
        await Promise.all(hosts.map((h) => h.provider.shutdown()));
      })();
      return stopping;
    },
  };
}

function hostMeters(host: HostProfile, options: DemoWorkloadOptions): HostMeters {
  const exporter = new OTLPMetricExporter({
    url: `${options.otlpHttpUrl.replace(/\/$/, '')}/v1/metrics`,
    headers: options.headers ?? {},
    timeoutMillis: EXPORT_TIMEOUT_MS,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resourceAttributes(host)),
    readers: [
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: options.exportIntervalMs ?? EXPORT_INTERVAL_MS,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      }),
    ],
  });
  const meter = provider.getMeter(DEMO_SCOPE_NAME);
  const gauge = (m: { name: string; unit: string; description?: string }): ObservableGauge =>
    meter.createObservableGauge(m.name, { unit: m.unit, description: m.description ?? '' });
  const cpu = gauge(DEMO_METRICS.cpu);
  const memory = gauge(DEMO_METRICS.memory);
  const disk = gauge(DEMO_METRICS.disk);
  meter.addBatchObservableCallback(
    (result) => {
      const s = hostSignals(options.seed, host, Date.now());
      result.observe(cpu, s.cpuUtilization);
      result.observe(memory, s.memoryUsageBytes);
      result.observe(disk, s.filesystemUtilization, FILESYSTEM_ATTRIBUTES as Attributes);
    },
    [cpu, memory, disk],
  );
  const latency = meter.createHistogram(DEMO_METRICS.latency.name, {
    unit: DEMO_METRICS.latency.unit,
    description: DEMO_METRICS.latency.description,
    advice: { explicitBucketBoundaries: [...LATENCY_BOUNDS_MS] },
  });
  const errors = meter.createCounter(DEMO_METRICS.errors.name, {
    unit: DEMO_METRICS.errors.unit,
    description: DEMO_METRICS.errors.description,
  });
  return { host, provider, latency, errors };
}

/** Records `seconds` worth of requests: log-normal latencies and failures at the model's error rate. */
function recordTraffic(h: HostMeters, seed: number, timeMs: number, seconds: number, random: () => number): void {
  const s = hostSignals(seed, h.host, timeMs);
  const expected = s.requestsPerSecond * seconds;
  const requests = Math.min(
    MAX_REQUESTS_PER_TICK,
    poissonFrom(expected, random(), () => gaussian(random)),
  );
  const logMedian = Math.log(s.latencyMedianMs);
  let failed = 0;
  for (let i = 0; i < requests; i++) {
    h.latency.record(Math.exp(logMedian + LATENCY_LOG_SIGMA * gaussian(random)));
    if (random() < s.errorRate) failed++;
  }
  if (failed > 0) h.errors.add(failed);
}

function logIncident(options: DemoWorkloadOptions, what: 'running' | 'started' | 'ended', incident: Incident): void {
  const until = new Date(incident.endMs).toISOString();
  const effect = INCIDENT_KINDS[incident.kind].effect;
  options.logger.info(`demo incident ${what}: ${incident.kind} on ${incident.host} (${effect}) until ${until}`);
}
