/** Names, labels and the owner reference shared by every child of a HydraMonitor. */
import { API_GROUP_VERSION, KIND, type HydraMonitor } from '@hydra/schema';
import {
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_MONITOR,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
  OPERATOR_VERSION,
} from '../constants.ts';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

/** Metadata of a child object. */
export interface ChildMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences: OwnerReference[];
}

/** Labels that select the pods of one component of one monitor (immutable once a Deployment exists). */
export function selectorLabels(monitor: HydraMonitor, component: string): Record<string, string> {
  return { [LABEL_NAME]: 'hydra', [LABEL_INSTANCE]: monitor.metadata.name, [LABEL_COMPONENT]: component };
}

/** Every label of a child: the selector labels plus ownership and version. */
export function childLabels(monitor: HydraMonitor, component: string): Record<string, string> {
  return {
    ...selectorLabels(monitor, component),
    [LABEL_PART_OF]: 'hydra',
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_VERSION]: OPERATOR_VERSION,
    [LABEL_MONITOR]: monitor.metadata.name,
  };
}

/** The controller owner reference to the monitor: deleting the monitor garbage-collects the child. */
export function ownerReference(monitor: HydraMonitor): OwnerReference {
  if (!monitor.metadata.uid)
    throw new Error(`monitor ${monitor.metadata.namespace}/${monitor.metadata.name}: metadata.uid is missing`);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: KIND,
    name: monitor.metadata.name,
    uid: monitor.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of a child named `name` of component `component`. */
export function childMeta(monitor: HydraMonitor, name: string, component: string): ChildMeta {
  return {
    name,
    namespace: monitor.metadata.namespace,
    labels: childLabels(monitor, component),
    ownerReferences: [ownerReference(monitor)],
  };
}

export const collectorName = (monitor: HydraMonitor) => `${monitor.metadata.name}-collector`;
export const anomalyJobName = (monitor: HydraMonitor) => `${monitor.metadata.name}-anomaly`;
export const forecastJobName = (monitor: HydraMonitor) => `${monitor.metadata.name}-forecast`;

/** `key=value,…` form of a label map (status.collector.selector, label selectors in list calls). */
export function labelSelectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
