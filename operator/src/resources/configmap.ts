/** The collector's configuration ConfigMap: environment settings of `hydra collector`, named by their hash. */
import type { V1ConfigMap } from '@kubernetes/client-node';
import { contentHash } from './hash.ts';
import { collectorMeta, type CollectorSource } from './collector.ts';

/** Every address the collector listens on inside the pod. */
export const COLLECTOR_BIND_HOST = '0.0.0.0';

/** The settings (`hydra collector` environment variables, see docs/operations.md) a collector's spec implies. */
export function collectorSettings(source: CollectorSource): Record<string, string> {
  const { settings: collector, storage } = source;
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
export function collectorConfigHash(source: CollectorSource): string {
  return contentHash(collectorSettings(source));
}

/** `<collector>-<hash>`: a new name per configuration, so pods never see a half-updated one. */
export function collectorConfigMapName(source: CollectorSource): string {
  return `${source.name}-${collectorConfigHash(source)}`;
}

/** The desired collector ConfigMap. */
export function buildCollectorConfigMap(source: CollectorSource): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: collectorMeta(source, collectorConfigMapName(source)),
    data: collectorSettings(source),
  };
}
