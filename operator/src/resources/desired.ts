/**
 * The desired children of a HydraMonitor (its CronJobs in hydra's namespace, and its dedicated collector if it
 * asks for one) and of a HydraCollector: pure functions of the object and the operator's options. Each child
 * carries the hash of its own content (`hydra.io/spec-hash`), so reconcile can tell an up-to-date child from one
 * to apply without asking the API server.
 */
import type { CollectorSettings, HydraCollector, HydraMonitor } from '@hydra/schema';
import { ANNOTATION_SPEC_HASH } from '../constants.ts';
import {
  CONFIG_MAP,
  CRON_JOB,
  DEPLOYMENT,
  HPA,
  PDB,
  SERVICE,
  SERVICE_MONITOR,
  type ResourceKind,
} from '../kube/kinds.ts';
import { buildCollectorHpa, buildCollectorPdb } from './autoscaling.ts';
import { dedicatedCollector, sharedCollector, type CollectorSource } from './collector.ts';
import { buildCollectorConfigMap } from './configmap.ts';
import { buildAnomalyCronJob, buildForecastCronJob, type JobOptions } from './cronjobs.ts';
import { buildCollectorDeployment, type BuildOptions } from './deployment.ts';
import { contentHash } from './hash.ts';
import type { ChildMeta } from './meta.ts';
import { buildCollectorService } from './service.ts';
import { buildServiceMonitor } from './service-monitor.ts';

/** A child object as the operator applies it. */
export interface ChildObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ChildMeta | object;
  [field: string]: unknown;
}

export interface DesiredChild {
  resource: ResourceKind;
  namespace: string;
  name: string;
  hash: string;
  object: ChildObject & { metadata: ChildMeta };
}

export interface DesiredOptions extends BuildOptions {
  /** Whether the cluster serves monitoring.coreos.com/v1 ServiceMonitor. */
  serviceMonitors: boolean;
  /** Where every monitor's jobs run (hydra's namespace, ServiceAccount, database Secret). */
  jobs: JobOptions;
}

function child(resource: ResourceKind, object: object): DesiredChild {
  const obj = object as ChildObject & { metadata: ChildMeta };
  const hash = contentHash(obj);
  const withHash = {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [ANNOTATION_SPEC_HASH]: hash } },
  };
  return { resource, namespace: obj.metadata.namespace, name: obj.metadata.name, hash, object: withHash };
}

/** The children of one collector, in apply order (config before the workload that mounts it). */
export function collectorChildren(source: CollectorSource, options: Omit<DesiredOptions, 'jobs'>): DesiredChild[] {
  const children = [
    child(CONFIG_MAP, buildCollectorConfigMap(source)),
    child(SERVICE, buildCollectorService(source)),
    child(DEPLOYMENT, buildCollectorDeployment(source, options)),
  ];
  const hpa = buildCollectorHpa(source);
  if (hpa) children.push(child(HPA, hpa));
  const pdb = buildCollectorPdb(source);
  if (pdb) children.push(child(PDB, pdb));
  if (options.serviceMonitors) children.push(child(SERVICE_MONITOR, buildServiceMonitor(source)));
  return children;
}

/** Whether a monitor asks for its own collector (`spec.collector` set; every monitor stored before v0.3 has it). */
export function hasDedicatedCollector(
  monitor: HydraMonitor,
): monitor is HydraMonitor & { spec: { collector: CollectorSettings } } {
  return monitor.spec.collector !== undefined;
}

/** Every child the monitor should have: its dedicated collector (if any), then its CronJobs in hydra's namespace. */
export function desiredChildren(monitor: HydraMonitor, options: DesiredOptions): DesiredChild[] {
  const children = hasDedicatedCollector(monitor) ? collectorChildren(dedicatedCollector(monitor), options) : [];
  if (monitor.spec.anomaly.enabled) children.push(child(CRON_JOB, buildAnomalyCronJob(monitor, options)));
  if (monitor.spec.forecast.enabled) children.push(child(CRON_JOB, buildForecastCronJob(monitor, options)));
  return children;
}

/** Every child a HydraCollector (spec defaulted) should have. */
export function desiredCollectorChildren(
  collector: HydraCollector,
  options: Omit<DesiredOptions, 'jobs'>,
): DesiredChild[] {
  return collectorChildren(sharedCollector(collector), options);
}
