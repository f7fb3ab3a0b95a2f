/** A Prometheus Operator ServiceMonitor scraping the collector's own metrics (only when that CRD exists). */
import type { HydraMonitor } from '@hydra/schema';
import { COMPONENT_COLLECTOR } from '../constants.ts';
import { childMeta, collectorName, selectorLabels, type ChildMeta } from './meta.ts';

export const SERVICE_MONITOR_API_VERSION = 'monitoring.coreos.com/v1';
export const SCRAPE_INTERVAL = '30s';

export interface ServiceMonitor {
  apiVersion: typeof SERVICE_MONITOR_API_VERSION;
  kind: 'ServiceMonitor';
  metadata: ChildMeta;
  spec: {
    selector: { matchLabels: Record<string, string> };
    namespaceSelector: { matchNames: string[] };
    endpoints: { port: string; path: string; interval: string }[];
  };
}

/** The desired ServiceMonitor. */
export function buildServiceMonitor(monitor: HydraMonitor): ServiceMonitor {
  return {
    apiVersion: SERVICE_MONITOR_API_VERSION,
    kind: 'ServiceMonitor',
    metadata: childMeta(monitor, collectorName(monitor), COMPONENT_COLLECTOR),
    spec: {
      selector: { matchLabels: selectorLabels(monitor, COMPONENT_COLLECTOR) },
      namespaceSelector: { matchNames: [monitor.metadata.namespace] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: SCRAPE_INTERVAL }],
    },
  };
}
