/**
 * Cross-field rules of the HydraMonitor schema, written once: each carries its CEL form (the CRD's
 * `x-kubernetes-validations`, enforced by the API server at admission) and the same predicate in TypeScript
 * (enforced by `validateMonitor` for the API and `hydra.yaml`). A rule runs only when the value at `path` exists,
 * as CEL rules do.
 */
import { MAX_COLLECTOR_NAME_LENGTH } from './hydra-collector.ts';
import { MAX_MONITOR_NAME_LENGTH } from './hydra-monitor.ts';

export interface CrossFieldRule {
  /** Object path from the resource root where the rule is attached, e.g. `['spec', 'collector', 'ports']`. */
  path: readonly string[];
  /** CEL expression over `self` (the value at `path`). */
  rule: string;
  /** Message the API server and `validateMonitor` report. */
  message: string;
  /** Field the message points at, relative to `path` (JSONPath-like, as the CRD's `fieldPath`). */
  fieldPath?: string;
  /** False when `fieldPath` cannot go into the CRD (it must name a field of the schema; `metadata` has none). */
  celFieldPath?: boolean;
  /** The TypeScript equivalent of `rule`; receives the (defaulted) value at `path`. */
  holds: (self: never) => boolean;
}

interface Ports {
  grpc: number;
  http: number;
  metrics: number;
}
interface Threshold {
  value: number;
  direction: string;
}
interface Named {
  url: string;
}

const countWhere = <T>(items: readonly T[], pred: (item: T) => boolean) => items.filter(pred).length;

export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    path: [],
    rule: `size(self.metadata.name) <= ${MAX_MONITOR_NAME_LENGTH}`,
    message: `metadata.name must be at most ${MAX_MONITOR_NAME_LENGTH} characters: the operator derives child names such as <name>-forecast from it`,
    fieldPath: '.metadata.name',
    celFieldPath: false,
    holds: (self: { metadata: { name: string } }) => self.metadata.name.length <= MAX_MONITOR_NAME_LENGTH,
  },
  {
    path: ['spec'],
    rule: 'self.anomaly.enabled || self.forecast.enabled',
    message: 'at least one of anomaly.enabled and forecast.enabled must be true: a monitor must analyse something',
    fieldPath: '.anomaly.enabled',
    holds: (self: { anomaly: { enabled: boolean }; forecast: { enabled: boolean } }) =>
      self.anomaly.enabled || self.forecast.enabled,
  },
  {
    path: ['spec'],
    rule: '!(has(self.collectorRef) && has(self.collector))',
    message: 'collectorRef and collector exclude each other: name a HydraCollector or ask for a dedicated collector',
    fieldPath: '.collectorRef',
    holds: (self: { collectorRef?: unknown; collector?: unknown }) =>
      !(self.collectorRef !== undefined && self.collector !== undefined),
  },
  {
    path: ['spec', 'collector', 'ports'],
    rule: 'self.grpc != self.http && self.grpc != self.metrics && self.http != self.metrics',
    message: 'collector ports grpc, http and metrics must be three different ports',
    holds: (self: Ports) => self.grpc !== self.http && self.grpc !== self.metrics && self.http !== self.metrics,
  },
  {
    path: ['spec', 'selector', 'namespaceSelector'],
    rule: '!(has(self.any) && self.any && has(self.matchNames) && size(self.matchNames) > 0)',
    message: 'namespaceSelector takes either any: true or matchNames, not both',
    holds: (self: { any?: boolean; matchNames?: string[] }) =>
      !(self.any === true && (self.matchNames?.length ?? 0) > 0),
  },
  {
    path: ['spec', 'forecast', 'thresholds'],
    rule: 'self.all(t, self.exists_one(u, u.value == t.value && u.direction == t.direction))',
    message: 'each forecast threshold (value, direction) may appear only once',
    holds: (self: Threshold[]) =>
      self.every((t) => countWhere(self, (u) => u.value === t.value && u.direction === t.direction) === 1),
  },
  {
    path: ['spec', 'alerting', 'webhooks'],
    rule: 'self.all(w, self.exists_one(v, v.url == w.url))',
    message: 'webhook URLs must be unique',
    holds: (self: Named[]) => self.every((w) => countWhere(self, (v) => v.url === w.url) === 1),
  },
];

/** Cross-field rules of the HydraCollector schema (same form as CROSS_FIELD_RULES). */
export const COLLECTOR_RULES: readonly CrossFieldRule[] = [
  {
    path: [],
    rule: `size(self.metadata.name) <= ${MAX_COLLECTOR_NAME_LENGTH}`,
    message: `metadata.name must be at most ${MAX_COLLECTOR_NAME_LENGTH} characters: the collector's children carry it`,
    fieldPath: '.metadata.name',
    celFieldPath: false,
    holds: (self: { metadata: { name: string } }) => self.metadata.name.length <= MAX_COLLECTOR_NAME_LENGTH,
  },
  {
    path: ['spec', 'ports'],
    rule: 'self.grpc != self.http && self.grpc != self.metrics && self.http != self.metrics',
    message: 'collector ports grpc, http and metrics must be three different ports',
    holds: (self: Ports) => self.grpc !== self.http && self.grpc !== self.metrics && self.http !== self.metrics,
  },
  {
    path: ['spec', 'autoscaling'],
    rule: 'self.minReplicas <= self.maxReplicas',
    message: 'autoscaling.minReplicas must not exceed maxReplicas',
    fieldPath: '.minReplicas',
    holds: (self: { minReplicas: number; maxReplicas: number }) => self.minReplicas <= self.maxReplicas,
  },
];
