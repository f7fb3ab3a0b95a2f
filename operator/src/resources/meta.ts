/** Names, labels and owner references of the objects the operator builds for HydraMonitors and HydraCollectors. */
import { API_GROUP_VERSION, COLLECTOR_KIND, KIND, type HydraCollector, type HydraMonitor } from '@hydra/schema';
import {
  LABEL_COLLECTOR,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_MONITOR,
  LABEL_MONITOR_NAMESPACE,
  LABEL_NAME,
  LABEL_PART_OF,
  LABEL_VERSION,
  MANAGED_BY,
  OPERATOR_VERSION,
} from '../constants.ts';
import { contentHash } from './hash.ts';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

/** Metadata of a child object; CronJobs in hydra's namespace have no owner reference (they cannot). */
export interface ChildMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/** Labels that select the pods of one component of one monitor (immutable once a Deployment exists). */
export function selectorLabels(monitor: HydraMonitor, component: string): Record<string, string> {
  return { [LABEL_NAME]: 'hydra', [LABEL_INSTANCE]: monitor.metadata.name, [LABEL_COMPONENT]: component };
}

const commonLabels = () => ({
  [LABEL_PART_OF]: 'hydra',
  [LABEL_MANAGED_BY]: MANAGED_BY,
  [LABEL_VERSION]: OPERATOR_VERSION,
});

/** Every label of a child: the selector labels plus ownership and version. */
export function childLabels(monitor: HydraMonitor, component: string): Record<string, string> {
  return { ...selectorLabels(monitor, component), ...commonLabels(), [LABEL_MONITOR]: monitor.metadata.name };
}

/** Labels of a monitor's CronJobs (and their Jobs and pods) in hydra's namespace: which monitor they analyse. */
export function jobLabels(monitor: HydraMonitor, component: string): Record<string, string> {
  return { ...childLabels(monitor, component), [LABEL_MONITOR_NAMESPACE]: monitor.metadata.namespace };
}

/** The pods of a HydraCollector (immutable once its Deployment exists). */
export function collectorSelectorLabels(collector: HydraCollector, component: string): Record<string, string> {
  return {
    [LABEL_NAME]: 'hydra',
    [LABEL_INSTANCE]: collector.metadata.name,
    [LABEL_COMPONENT]: component,
    [LABEL_COLLECTOR]: collector.metadata.name,
  };
}

/** Every label of a HydraCollector's child. */
export function collectorLabels(collector: HydraCollector, component: string): Record<string, string> {
  return { ...collectorSelectorLabels(collector, component), ...commonLabels() };
}

function ownerTo(kind: string, obj: { metadata: { name: string; namespace: string; uid?: string } }): OwnerReference {
  if (!obj.metadata.uid)
    throw new Error(`${kind} ${obj.metadata.namespace}/${obj.metadata.name}: metadata.uid is missing`);
  return {
    apiVersion: API_GROUP_VERSION,
    kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller owner reference to the monitor: deleting the monitor garbage-collects the child. */
export const ownerReference = (monitor: HydraMonitor): OwnerReference => ownerTo(KIND, monitor);
/** The controller owner reference to a HydraCollector. */
export const collectorOwnerReference = (collector: HydraCollector): OwnerReference =>
  ownerTo(COLLECTOR_KIND, collector);

export const collectorName = (monitor: HydraMonitor) => `${monitor.metadata.name}-collector`;

/** Longest CronJob name (the CronJob controller appends an 11-character suffix to its Jobs' names). */
export const MAX_CRONJOB_NAME = 52;
const HASH_CHARS = 6;

/**
 * Name of a monitor's CronJob in hydra's namespace: `<namespace>-<name>` (cut to fit) plus a hash of both, so
 * monitors of the same name in different namespaces (or `a-b/c` and `a/b-c`) never share a CronJob.
 */
export function jobName(monitor: HydraMonitor, kind: 'anomaly' | 'forecast'): string {
  const { namespace, name } = monitor.metadata;
  const hash = contentHash(`${namespace}/${name}`).slice(0, HASH_CHARS);
  const room = MAX_CRONJOB_NAME - '-forecast'.length - HASH_CHARS - 1;
  const base = `${namespace}-${name}`.slice(0, room).replace(/-+$/, '');
  return `${base}-${hash}-${kind}`;
}
export const anomalyJobName = (monitor: HydraMonitor) => jobName(monitor, 'anomaly');
export const forecastJobName = (monitor: HydraMonitor) => jobName(monitor, 'forecast');

/** `key=value,…` form of a label map (status.collector.selector, label selectors in list calls). */
export function labelSelectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
