/**
 * The HydraCollector schema (TypeBox): one OTLP collector fleet (Deployment, Service, HorizontalPodAutoscaler,
 * PodDisruptionBudget, ServiceMonitor) that any number of HydraMonitors send their data through
 * (`spec.collectorRef`). The collector settings are the ones a monitor's dedicated `spec.collector` has
 * (`COLLECTOR_SETTINGS`); the database Secret lives in the collector's namespace, never in a tenant's.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import {
  COLLECTOR_SETTINGS,
  ConditionSchema,
  QUANTITY_PATTERN,
  Storage,
  type HydraObjectMeta,
} from './hydra-monitor.ts';

export const COLLECTOR_KIND = 'HydraCollector';
export const COLLECTOR_PLURAL = 'hydracollectors';
export const COLLECTOR_SINGULAR = 'hydracollector';
export const COLLECTOR_SHORT_NAMES: readonly string[] = ['hcol'];
/** Longest collector name: its children (Deployment, Service, HPA, PDB) carry it unchanged. */
export const MAX_COLLECTOR_NAME_LENGTH = 52;
export const DEFAULT_SHARED_COLLECTOR_REPLICAS = 2;
export const DEFAULT_MIN_REPLICAS = 2;
export const DEFAULT_MAX_REPLICAS = 10;
export const DEFAULT_TARGET_CPU_UTILIZATION = 70;
/**
 * The collector's writer queue, as Prometheus names it (storage/src/writer.ts `hydra.storage.writer.queue.rows`):
 * the per-pod metric the HPA reads when `autoscaling.queueRowsPerPod` is set. The HPA reads pod metrics through
 * the custom.metrics.k8s.io API, which only an adapter (prometheus-adapter, KEDA) serves.
 */
export const QUEUE_METRIC = 'hydra_storage_writer_queue_rows';

export const Autoscaling = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'a HorizontalPodAutoscaler owns the replica count' }),
    minReplicas: Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_MIN_REPLICAS }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_MAX_REPLICAS }),
    targetCPUUtilizationPercentage: Type.Integer({
      minimum: 1,
      maximum: 100,
      default: DEFAULT_TARGET_CPU_UTILIZATION,
      description: 'average CPU utilisation (of the request) the HPA keeps',
    }),
    queueRowsPerPod: Type.Optional(
      Type.String({
        pattern: QUANTITY_PATTERN,
        maxLength: 32,
        description: `also scale on the writer queue (${QUEUE_METRIC}, average per pod); needs a custom metrics adapter (prometheus-adapter)`,
      }),
    ),
  },
  {
    // A full default (not {}): the CRD's CEL rule on autoscaling is checked against the default value itself.
    default: {
      enabled: false,
      minReplicas: DEFAULT_MIN_REPLICAS,
      maxReplicas: DEFAULT_MAX_REPLICAS,
      targetCPUUtilizationPercentage: DEFAULT_TARGET_CPU_UTILIZATION,
    },
    description: 'horizontal autoscaling of the collector pods (CPU; optionally the writer queue)',
  },
);

export const Disruption = Type.Object(
  {
    maxUnavailable: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 1,
      description: 'collector pods a voluntary disruption (drain) may take down at once',
    }),
  },
  { default: {}, description: 'the PodDisruptionBudget of the collector pods' },
);

/** `spec` of a HydraCollector. */
export const HydraCollectorSpecSchema = Type.Object(
  {
    ...COLLECTOR_SETTINGS,
    replicas: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: DEFAULT_SHARED_COLLECTOR_REPLICAS,
      description: 'collector pods (ignored while autoscaling.enabled)',
    }),
    storage: Storage,
    autoscaling: Autoscaling,
    podDisruptionBudget: Disruption,
  },
  { description: 'desired state of a HydraCollector' },
);

/** `status` of a HydraCollector. */
export const HydraCollectorStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Optional(
    Type.Array(ConditionSchema, {
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  endpoint: Type.Optional(
    Type.String({ description: 'OTLP/gRPC endpoint workloads set as OTEL_EXPORTER_OTLP_ENDPOINT' }),
  ),
  httpEndpoint: Type.Optional(Type.String()),
  replicas: Type.Optional(Type.Integer({ minimum: 0 })),
  readyReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
  ready: Type.Optional(Type.String({ description: 'ready/desired, for printing' })),
  selector: Type.Optional(Type.String({ description: 'label selector of the collector pods (scale subresource)' })),
  configHash: Type.Optional(Type.String()),
});

export type HydraCollectorSpec = Static<typeof HydraCollectorSpecSchema>;
export type HydraCollectorStatus = Static<typeof HydraCollectorStatusSchema>;

/** A HydraCollector object as the API server returns it. */
export interface HydraCollector {
  apiVersion: string;
  kind: typeof COLLECTOR_KIND;
  metadata: HydraObjectMeta;
  spec: HydraCollectorSpec;
  status?: HydraCollectorStatus;
}
