/** The collector Service: the OTLP endpoint workloads set as OTEL_EXPORTER_OTLP_ENDPOINT. */
import type { V1Service } from '@kubernetes/client-node';
import { collectorMeta, type CollectorSource } from './collector.ts';

/** The desired collector Service. */
export function buildCollectorService(source: CollectorSource): V1Service {
  const { ports } = source.settings;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: collectorMeta(source),
    spec: {
      type: 'ClusterIP',
      selector: source.selector,
      ports: [
        { name: 'otlp-grpc', port: ports.grpc, targetPort: 'otlp-grpc', protocol: 'TCP', appProtocol: 'grpc' },
        { name: 'otlp-http', port: ports.http, targetPort: 'otlp-http', protocol: 'TCP', appProtocol: 'http' },
        { name: 'metrics', port: ports.metrics, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
      ],
    },
  };
}

/** In-cluster OTLP/gRPC and OTLP/HTTP endpoints of the collector Service. */
export function collectorEndpoints(source: CollectorSource): { grpc: string; http: string } {
  const host = `${source.name}.${source.namespace}.svc`;
  const { ports } = source.settings;
  return { grpc: `http://${host}:${ports.grpc}`, http: `http://${host}:${ports.http}` };
}
