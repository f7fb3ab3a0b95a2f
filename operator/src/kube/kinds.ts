/** The resource kinds the operator reads or writes, and their REST paths. */
import { API_GROUP_VERSION, COLLECTOR_KIND, COLLECTOR_PLURAL, KIND, PLURAL } from '@hydra/schema';

export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const HYDRA_MONITOR: ResourceKind = {
  apiVersion: API_GROUP_VERSION,
  kind: KIND,
  plural: PLURAL,
  namespaced: true,
};
export const HYDRA_COLLECTOR: ResourceKind = {
  apiVersion: API_GROUP_VERSION,
  kind: COLLECTOR_KIND,
  plural: COLLECTOR_PLURAL,
  namespaced: true,
};
export const HPA: ResourceKind = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  namespaced: true,
};
export const PDB: ResourceKind = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
};
export const CONFIG_MAP: ResourceKind = { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
export const SERVICE: ResourceKind = { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true };
export const DEPLOYMENT: ResourceKind = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};
export const CRON_JOB: ResourceKind = { apiVersion: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', namespaced: true };
/** The runs of the CronJobs (created by the CronJob controller, with the jobTemplate's labels): read only. */
export const JOB: ResourceKind = { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs', namespaced: true };
export const SERVICE_MONITOR: ResourceKind = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  plural: 'servicemonitors',
  namespaced: true,
};
export const LEASE: ResourceKind = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
};
export const EVENT: ResourceKind = { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true };

/** Kinds the operator builds (and the Jobs its CronJobs start); it watches each (ServiceMonitor only when served). */
export const CHILD_KINDS: readonly ResourceKind[] = [
  CONFIG_MAP,
  SERVICE,
  DEPLOYMENT,
  CRON_JOB,
  JOB,
  HPA,
  PDB,
  SERVICE_MONITOR,
];

function groupPrefix(kind: ResourceKind): string {
  return kind.apiVersion.includes('/') ? `/apis/${kind.apiVersion}` : `/api/${kind.apiVersion}`;
}

/** `/api(s)/<gv>[/namespaces/<ns>]/<plural>`; no namespace = across all namespaces. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  const ns = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupPrefix(kind)}${ns}/${kind.plural}`;
}

/** Path of one object, optionally of a subresource (`status`). */
export function objectPath(kind: ResourceKind, namespace: string, name: string, subresource?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

/** `namespace/name`, the key of the work queue and the caches. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
