/** API bodies for the component tests, typed by the API's own schemas. */
import type { RangeResultBody } from '@hydra/contract';
import type { AlertWire } from '../src/api/analysis-types.ts';

export const NOW = Date.now();

export function range(metric: string, unit: string, hosts: Record<string, number[]>): RangeResultBody {
  return {
    series: Object.entries(hosts).map(([host, values], i) => ({
      id: i + 1,
      metric,
      kind: 'gauge',
      unit,
      temporality: 'unspecified',
      monotonic: false,
      labels: { 'host.name': host, 'service.name': 'demo-shop' },
      points: values.map((v, j) => [NOW - (values.length - 1 - j) * 60_000, v]),
    })),
    stepSeconds: 60,
    aggregation: 'avg',
    source: 'raw',
  };
}

/** An alert as GET /alerts sends it (RFC 3339 times). */
export function alert(overrides: Partial<AlertWire> = {}): AlertWire {
  return {
    id: 1,
    fingerprint: 'abcd1234abcd1234',
    kind: 'anomaly',
    monitor: 'demo',
    severity: 'critical',
    state: 'firing',
    labels: { __name__: 'system.cpu.utilization', 'host.name': 'web-2', monitor: 'demo', alertname: 'HydraAnomaly' },
    seriesId: 2,
    summary: 'system.cpu.utilization on web-2 is 0.97, above the expected 0.45 (band 0.38–0.52)',
    explanation: {
      observed: 0.97,
      expected: 0.45,
      lower: 0.38,
      upper: 0.52,
      score: 0.93,
      unit: '1',
      detector: 'ensemble',
    },
    startsAt: new Date(NOW - 10 * 60_000).toISOString(),
    firedAt: new Date(NOW - 8 * 60_000).toISOString(),
    resolvedAt: null,
    lastEvaluatedAt: new Date(NOW - 30_000).toISOString(),
    acknowledged: null,
    silencedBy: null,
    ...overrides,
  };
}
