/** The collector's configuration ConfigMap: environment settings of `hydra collector`, named by their hash. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import { COMPONENT_COLLECTOR } from '../constants.ts';
import { contentHash } from './hash.ts';
import { childMeta, collectorName } from './meta.ts';

/** Every address the collector listens on inside the pod. */
export const COLLECTOR_BIND_HOST = '0.0.0.0';

/** The settings (`hydra collector` environment variables, see docs/operations.md) a monitor's spec implies. */
export function collectorSettings(monitor: HydraMonitor): Record<string, string> {
  const { collector, storage } = monitor.spec;
  return {
    HYDRA_HOST: COLLECTOR_BIND_HOST,
    HYDRA_OTLP_GRPC_PORT: String(collector.ports.grpc),
    HYDRA_OTLP_HTTP_PORT: String(collector.ports.http),
    HYDRA_METRICS_PORT: String(collector.ports.metrics),
    HYDRA_MAX_BODY_BYTES: String(collector.limits.maxBodyBytes),
    HYDRA_MAX_ATTRIBUTES: String(collector.limits.maxAttributes),
    HYDRA_MAX_LABEL_LENGTH: String(collector.limits.maxLabelLength),
    HYDRA_MAX_SERIES_PER_METRIC: String(collector.limits.maxSeriesPerMetric),
    HYDRA_RETENTION_DAYS: String(storage.retentionDays),
    HYDRA_AUTH: collector.ingestTokenSecretRef ? 'on' : 'auto',
    HYDRA_LOG_LEVEL: 'info',
  };
}

/** Hash of the collector configuration; part of the ConfigMap name and the pod-template annotation. */
export function collectorConfigHash(monitor: HydraMonitor): string {
  return contentHash(collectorSettings(monitor));
}

/** `<monitor>-collector-<hash>`: a new name per configuration, so pods never see a half-updated one. */
export function collectorConfigMapName(monitor: HydraMonitor): string {
  return `${collectorName(monitor)}-${collectorConfigHash(monitor)}`;
}

/** The desired collector ConfigMap. */
export function buildCollectorConfigMap(monitor: HydraMonitor): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(monitor, collectorConfigMapName(monitor), COMPONENT_COLLECTOR),
    data: collectorSettings(monitor),
  };
}
