/** The collector Service: the OTLP endpoint workloads set as OTEL_EXPORTER_OTLP_ENDPOINT. */
import type { V1Service } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import { COMPONENT_COLLECTOR } from '../constants.ts';
import { childMeta, collectorName, selectorLabels } from './meta.ts';

/** The desired collector Service. */
export function buildCollectorService(monitor: HydraMonitor): V1Service {
  const { ports } = monitor.spec.collector;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(monitor, collectorName(monitor), COMPONENT_COLLECTOR),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(monitor, COMPONENT_COLLECTOR),
      ports: [
        { name: 'otlp-grpc', port: ports.grpc, targetPort: 'otlp-grpc', protocol: 'TCP', appProtocol: 'grpc' },
        { name: 'otlp-http', port: ports.http, targetPort: 'otlp-http', protocol: 'TCP', appProtocol: 'http' },
        { name: 'metrics', port: ports.metrics, targetPort: 'metrics', protocol: 'TCP', appProtocol: 'http' },
      ],
    },
  };
}

/** In-cluster OTLP/gRPC and OTLP/HTTP endpoints of the collector Service. */
export function collectorEndpoints(monitor: HydraMonitor): { grpc: string; http: string } {
  const host = `${collectorName(monitor)}.${monitor.metadata.namespace}.svc`;
  const { ports } = monitor.spec.collector;
  return { grpc: `http://${host}:${ports.grpc}`, http: `http://${host}:${ports.http}` };
}
