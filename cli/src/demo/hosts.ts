/**
 * The demo's fleet and its metrics: four web hosts of a `demo-shop` service.
 * The live workload (OpenTelemetry SDK) and the seeded history use these
 * names, units and labels, so both land in the same series.
 */
import type { Labels, MetricDescriptor } from '@hydra/storage';
import { HOST_LABEL } from '@hydra/schema';

export const DEMO_SERVICE_NAME = 'demo-shop';
export const DEMO_SCOPE_NAME = 'hydra-demo';
/** The PRNG seed of the incident schedule and noise; history and live data share it. */
export const DEMO_SEED = 20_261_126;

export const GIB = 1024 ** 3;

export interface HostProfile {
  name: string;
  /** mean CPU utilisation (0–1) at the quietest hour */
  cpuBase: number;
  /** extra CPU utilisation at the daily peak */
  cpuDailyAmplitude: number;
  memoryTotalBytes: number;
  memoryBaseBytes: number;
  /** mean requests per second at the daily peak */
  peakRequestsPerSecond: number;
  /** median request latency (ms) when idle */
  latencyMedianMs: number;
  /** fraction of requests that fail */
  errorRate: number;
  disk: { low: number; high: number; fillHours: number; cycleHours: number; phaseHours: number };
}

/**
 * web-4's disk fills within the day (cleaned up at night): "full in hours";
 * the others creep up slowly and are rotated weekly.
 */
export const DEMO_HOSTS: readonly HostProfile[] = [
  host('web-1', 0.22, 0.35, 16, 6.0, 42, 38, 0.004, {
    low: 0.41,
    high: 0.58,
    fillHours: 160,
    cycleHours: 168,
    phaseHours: 20,
  }),
  host('web-2', 0.18, 0.3, 16, 5.2, 36, 41, 0.003, {
    low: 0.33,
    high: 0.47,
    fillHours: 160,
    cycleHours: 168,
    phaseHours: 70,
  }),
  host('web-3', 0.25, 0.4, 32, 11.5, 48, 35, 0.005, {
    low: 0.52,
    high: 0.71,
    fillHours: 160,
    cycleHours: 168,
    phaseHours: 130,
  }),
  host('web-4', 0.2, 0.33, 16, 7.1, 30, 44, 0.004, {
    low: 0.62,
    high: 0.999,
    fillHours: 21,
    cycleHours: 24,
    phaseHours: 2,
  }),
];

function host(
  name: string,
  cpuBase: number,
  cpuDailyAmplitude: number,
  memoryGiB: number,
  memoryBaseGiB: number,
  peakRequestsPerSecond: number,
  latencyMedianMs: number,
  errorRate: number,
  disk: HostProfile['disk'],
): HostProfile {
  return {
    name,
    cpuBase,
    cpuDailyAmplitude,
    memoryTotalBytes: memoryGiB * GIB,
    memoryBaseBytes: memoryBaseGiB * GIB,
    peakRequestsPerSecond,
    latencyMedianMs,
    errorRate,
    disk,
  };
}

/** Request latency bucket bounds (ms): the OpenTelemetry SDK's default explicit buckets. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
];

export const FILESYSTEM_MOUNTPOINT = '/';
/** Point attributes of the filesystem gauge. */
export const FILESYSTEM_ATTRIBUTES: Labels = { 'system.filesystem.mountpoint': FILESYSTEM_MOUNTPOINT };

/** The demo's metrics, as the collector stores them. */
export const DEMO_METRICS = {
  cpu: gauge('system.cpu.utilization', '1', 'Fraction of CPU time in use'),
  memory: gauge('system.memory.usage', 'By', 'Memory in use'),
  disk: gauge('system.filesystem.utilization', '1', 'Fraction of the filesystem in use'),
  errors: {
    name: 'http.server.errors',
    kind: 'sum',
    unit: '{error}',
    temporality: 'cumulative',
    monotonic: true,
    description: 'HTTP requests answered with a 5xx status',
  },
  latency: {
    name: 'http.server.request.duration',
    kind: 'histogram',
    unit: 'ms',
    temporality: 'cumulative',
    monotonic: false,
    description: 'Duration of HTTP server requests',
  },
} as const satisfies Record<string, MetricDescriptor>;

function gauge(name: string, unit: string, description: string): MetricDescriptor {
  return { name, kind: 'gauge', unit, temporality: 'unspecified', monotonic: false, description };
}

/** Resource attributes of one host's MeterProvider. */
export function resourceAttributes(host: HostProfile): Labels {
  return { 'service.name': DEMO_SERVICE_NAME, [HOST_LABEL]: host.name };
}

/** The labels the collector gives a demo point: resource + scope + point attributes. */
export function seriesLabels(host: HostProfile, pointAttributes: Labels = {}): Labels {
  return { ...resourceAttributes(host), 'otel.scope.name': DEMO_SCOPE_NAME, ...pointAttributes };
}
