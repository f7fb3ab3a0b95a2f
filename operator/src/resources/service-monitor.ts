/** A Prometheus Operator ServiceMonitor scraping the collector's own metrics (only when that CRD exists). */
import { collectorMeta, type CollectorSource } from './collector.ts';
import type { ChildMeta } from './meta.ts';

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
export function buildServiceMonitor(source: CollectorSource): ServiceMonitor {
  return {
    apiVersion: SERVICE_MONITOR_API_VERSION,
    kind: 'ServiceMonitor',
    metadata: collectorMeta(source),
    spec: {
      selector: { matchLabels: source.selector },
      namespaceSelector: { matchNames: [source.namespace] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: SCRAPE_INTERVAL }],
    },
  };
}
