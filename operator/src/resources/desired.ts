/**
 * The desired children of one HydraMonitor: pure functions of the monitor and the operator's options. Each
 * child carries the hash of its own content (`hydra.io/spec-hash`), so reconcile can tell an up-to-date child
 * from one to apply without asking the API server.
 */
import type { HydraMonitor } from '@hydra/schema';
import { ANNOTATION_SPEC_HASH } from '../constants.ts';
import { CONFIG_MAP, CRON_JOB, DEPLOYMENT, SERVICE, SERVICE_MONITOR, type ResourceKind } from '../kube/kinds.ts';
import { buildCollectorConfigMap } from './configmap.ts';
import { buildAnomalyCronJob, buildForecastCronJob } from './cronjobs.ts';
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
  name: string;
  hash: string;
  object: ChildObject & { metadata: ChildMeta };
}

export interface DesiredOptions extends BuildOptions {
  /** Whether the cluster serves monitoring.coreos.com/v1 ServiceMonitor. */
  serviceMonitors: boolean;
}

function child(resource: ResourceKind, object: object): DesiredChild {
  const obj = object as ChildObject & { metadata: ChildMeta };
  const hash = contentHash(obj);
  const withHash = {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [ANNOTATION_SPEC_HASH]: hash } },
  };
  return { resource, name: obj.metadata.name, hash, object: withHash };
}

/** Every child the monitor should have, in apply order (config before the workload that mounts it). */
export function desiredChildren(monitor: HydraMonitor, options: DesiredOptions): DesiredChild[] {
  const children = [
    child(CONFIG_MAP, buildCollectorConfigMap(monitor)),
    child(SERVICE, buildCollectorService(monitor)),
    child(DEPLOYMENT, buildCollectorDeployment(monitor, options)),
  ];
  if (monitor.spec.anomaly.enabled) children.push(child(CRON_JOB, buildAnomalyCronJob(monitor, options)));
  if (monitor.spec.forecast.enabled) children.push(child(CRON_JOB, buildForecastCronJob(monitor, options)));
  if (options.serviceMonitors) children.push(child(SERVICE_MONITOR, buildServiceMonitor(monitor)));
  return children;
}
