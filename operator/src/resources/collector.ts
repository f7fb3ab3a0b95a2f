/**
 * One collector the operator builds, whoever asked for it: a HydraCollector (shared by any number of monitors),
 * or a monitor's dedicated `spec.collector` (the model before HydraCollector). The builders of the collector's
 * ConfigMap, Deployment, Service, HPA, PDB and ServiceMonitor read only this.
 */
import type {
  CollectorSettings,
  HydraCollector,
  HydraCollectorSpec,
  HydraMonitor,
  HydraMonitorSpec,
} from '@hydra/schema';
import { COMPONENT_COLLECTOR } from '../constants.ts';
import {
  childLabels,
  collectorLabels,
  collectorName,
  collectorOwnerReference,
  collectorSelectorLabels,
  ownerReference,
  selectorLabels,
  type ChildMeta,
  type OwnerReference,
} from './meta.ts';

export interface CollectorSource {
  /** Name of the Deployment, Service, HPA, PDB and ServiceMonitor. */
  name: string;
  namespace: string;
  settings: CollectorSettings;
  storage: HydraMonitorSpec['storage'];
  /** Pod selector of the Deployment, Service and PDB. */
  selector: Record<string, string>;
  labels: Record<string, string>;
  owner: OwnerReference;
  /** HPA and PDB (HydraCollector only; a dedicated collector has neither, as before). */
  autoscaling?: HydraCollectorSpec['autoscaling'];
  podDisruptionBudget?: HydraCollectorSpec['podDisruptionBudget'];
}

/** The dedicated collector of a monitor that has `spec.collector` (names and labels as they always were). */
export function dedicatedCollector(
  monitor: HydraMonitor & { spec: { collector: CollectorSettings } },
): CollectorSource {
  return {
    name: collectorName(monitor),
    namespace: monitor.metadata.namespace,
    settings: monitor.spec.collector,
    storage: monitor.spec.storage,
    selector: selectorLabels(monitor, COMPONENT_COLLECTOR),
    labels: childLabels(monitor, COMPONENT_COLLECTOR),
    owner: ownerReference(monitor),
  };
}

/** The collector of a HydraCollector (spec defaulted). */
export function sharedCollector(collector: HydraCollector): CollectorSource {
  const { storage, autoscaling, podDisruptionBudget, ...settings } = collector.spec;
  return {
    name: collector.metadata.name,
    namespace: collector.metadata.namespace,
    settings,
    storage,
    selector: collectorSelectorLabels(collector, COMPONENT_COLLECTOR),
    labels: collectorLabels(collector, COMPONENT_COLLECTOR),
    owner: collectorOwnerReference(collector),
    autoscaling,
    podDisruptionBudget,
  };
}

/** Metadata of a collector child named `name`. */
export function collectorMeta(source: CollectorSource, name = source.name): ChildMeta {
  return { name, namespace: source.namespace, labels: source.labels, ownerReferences: [source.owner] };
}
