/**
 * One reconcile of one HydraMonitor or HydraCollector: level-based and idempotent. It builds the desired children
 * (pure builders), applies with server-side apply only the ones whose content hash differs from the cached child
 * or that someone else changed since the operator's last apply (their generation/resourceVersion moved), deletes
 * children no longer wanted, and writes status only when it differs. At steady state it makes no API requests.
 *
 * A monitor's CronJobs live in hydra's namespace (no owner reference can point across namespaces): a finalizer on
 * the monitor deletes them before the monitor goes.
 */
import type { V1CronJob, V1Deployment, V1Job } from '@kubernetes/client-node';
import {
  validateCollectorSpec,
  validateMonitorSpec,
  formatErrors,
  type HydraCollector,
  type HydraMonitor,
} from '@hydra/schema';
import {
  ANNOTATION_SPEC_HASH,
  COMPONENT_ANOMALY,
  COMPONENT_FORECAST,
  FIELD_MANAGER,
  FINALIZER_JOBS,
  LABEL_COLLECTOR,
  LABEL_COMPONENT,
  LABEL_MONITOR,
  LABEL_MONITOR_NAMESPACE,
} from './constants.ts';
import type { EventRecorder } from './events.ts';
import type { KubeClient } from './kube/client.ts';
import { KubeApiError } from './kube/errors.ts';
import {
  CRON_JOB,
  DEPLOYMENT,
  HYDRA_COLLECTOR,
  HYDRA_MONITOR,
  JOB,
  objectKey,
  objectPath,
  type ResourceKind,
} from './kube/kinds.ts';
import type { KubeObject } from './kube/types.ts';
import type { Logger } from '@hydra/logging';
import { TerminalError, type ReconcileOutcome } from './controller.ts';
import {
  desiredChildren,
  desiredCollectorChildren,
  hasDedicatedCollector,
  type DesiredChild,
} from './resources/desired.ts';
import { dedicatedCollector, sharedCollector } from './resources/collector.ts';
import { unreadableWebhookSecrets, type JobOptions } from './resources/cronjobs.ts';
import { anomalyJobName, forecastJobName } from './resources/meta.ts';
import { computeCollectorStatus, computeStatus, type CollectorView, type OwnedStatus } from './status.ts';
import { contentHash } from './resources/hash.ts';

/** Kinds whose spec changes bump metadata.generation; for the others the resourceVersion tells a change. */
const GENERATION_KINDS: ReadonlySet<string> = new Set([
  DEPLOYMENT.kind,
  CRON_JOB.kind,
  'ServiceMonitor',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
]);

/** Read access to the caches the controller keeps. */
export interface ChildCache {
  /** Cached child of `resource` at namespace/name. */
  get(resource: ResourceKind, namespace: string, name: string): KubeObject | undefined;
  /** Cached children of `resource` in `namespace` carrying every label of `labels`. */
  list(resource: ResourceKind, namespace: string, labels: Record<string, string>): KubeObject[];
  /** Kinds currently watched (ServiceMonitor only when its CRD is served). */
  kinds(): readonly ResourceKind[];
  /** Write-through: the object an apply returned. */
  remember(resource: ResourceKind, obj: KubeObject): void;
}

/** A HydraCollector by namespace and name (the operator's cache). */
export type CollectorLookup = (namespace: string, name: string) => HydraCollector | undefined;

export interface ReconcilerOptions {
  client: KubeClient;
  children: ChildCache;
  events: EventRecorder;
  logger: Logger;
  defaultImage: string;
  /** The jobs' HYDRA_EXTERNAL_URL, when set. */
  externalUrl?: string;
  /** Whether ServiceMonitors are built (the Prometheus Operator CRD is served). */
  serviceMonitors: () => boolean;
  /** Write-through for the monitor cache: the monitor a status or finalizer write returned. */
  rememberMonitor: (monitor: KubeObject) => void;
  /** Write-through for the collector cache. */
  rememberCollector?: (collector: KubeObject) => void;
  /** Where every monitor's jobs run: hydra's namespace, ServiceAccount and database Secret. */
  jobs: JobOptions;
  /** The HydraCollector of monitors that name none and have no dedicated collector. */
  defaultCollector: { namespace: string; name: string };
  collectors: CollectorLookup;
}

/** A spec the API server accepted but this operator cannot use (e.g. a CRD older than the operator): no retry. */
export class InvalidSpecError extends TerminalError {}

/** What the operator last applied to one child: to tell its own writes from someone else's. */
interface AppliedRecord {
  hash: string;
  version: string;
}

/** The field that moves when someone changes the object's content (list items carry no `kind`, so it is passed). */
const versionOf = (resource: ResourceKind, obj: KubeObject) =>
  GENERATION_KINDS.has(resource.kind)
    ? String(obj.metadata.generation ?? '')
    : String(obj.metadata.resourceVersion ?? '');

const childId = (resource: ResourceKind, namespace: string, name: string) => `${namespace}/${resource.kind}/${name}`;

/** The collector a monitor resolves to: dedicated, named by collectorRef, or the operator's default. */
export function collectorRefOf(
  monitor: HydraMonitor,
  defaults: { namespace: string; name: string },
): { namespace: string; name: string } | 'dedicated' {
  if (hasDedicatedCollector(monitor)) return 'dedicated';
  const ref = monitor.spec.collectorRef;
  if (!ref) return defaults;
  return { namespace: ref.namespace ?? defaults.namespace, name: ref.name };
}

/** Applies desired children and prunes unwanted ones, remembering what it applied per owner. */
class ChildApplier {
  /** Per owner key: child id → what was applied. Dropped when the owner goes away. */
  private readonly applied = new Map<string, Map<string, AppliedRecord>>();

  constructor(private readonly o: ReconcilerOptions) {}

  forget(ownerKey: string): void {
    this.applied.delete(ownerKey);
  }

  /** Applies the children that are not up to date; returns the writes and the objects the API server returned. */
  async apply(
    ownerKey: string,
    ownerUid: string | undefined,
    desired: DesiredChild[],
    fresh: Map<string, KubeObject>,
    log: Logger,
  ): Promise<number> {
    const records = this.records(ownerKey);
    let writes = 0;
    for (const child of desired) {
      if (this.upToDate(child, ownerUid, records)) continue;
      const result = await this.o.client.apply<KubeObject>(
        objectPath(child.resource, child.namespace, child.name),
        child.object,
        FIELD_MANAGER,
      );
      const id = childId(child.resource, child.namespace, child.name);
      records.set(id, { hash: child.hash, version: versionOf(child.resource, result) });
      fresh.set(id, result);
      this.o.children.remember(child.resource, result);
      writes++;
      log.debug({ kind: child.resource.kind, namespace: child.namespace, name: child.name }, 'applied');
    }
    return writes;
  }

  /** Deletes `candidates` not in `desired` (only those controller-owned by `ownerUid`, when given). */
  async prune(
    ownerKey: string,
    ownerUid: string | undefined,
    desired: DesiredChild[],
    candidates: { resource: ResourceKind; obj: KubeObject }[],
    log: Logger,
  ): Promise<number> {
    const wanted = new Set(desired.map((c) => childId(c.resource, c.namespace, c.name)));
    const records = this.records(ownerKey);
    let deleted = 0;
    for (const { resource, obj } of candidates) {
      const id = childId(resource, obj.metadata.namespace ?? '', obj.metadata.name);
      if (wanted.has(id) || obj.metadata.deletionTimestamp) continue;
      if (ownerUid && !obj.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUid)) continue;
      await this.o.client.delete(objectPath(resource, obj.metadata.namespace ?? '', obj.metadata.name), {
        uid: obj.metadata.uid,
      });
      records.delete(id);
      log.info(
        { kind: resource.kind, namespace: obj.metadata.namespace, name: obj.metadata.name },
        'deleted child no longer wanted',
      );
      deleted++;
    }
    return deleted;
  }

  private records(ownerKey: string): Map<string, AppliedRecord> {
    let records = this.applied.get(ownerKey);
    if (!records) this.applied.set(ownerKey, (records = new Map()));
    return records;
  }

  /** The child exists with the content the operator would apply, and nobody changed it since. */
  private upToDate(child: DesiredChild, ownerUid: string | undefined, records: Map<string, AppliedRecord>): boolean {
    const cached = this.o.children.get(child.resource, child.namespace, child.name);
    if (!cached) return false;
    if (cached.metadata.annotations?.[ANNOTATION_SPEC_HASH] !== child.hash) return false;
    if (child.object.metadata.ownerReferences && ownerUid)
      if (!cached.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUid)) return false;
    const id = childId(child.resource, child.namespace, child.name);
    const record = records.get(id);
    if (!record) {
      records.set(id, { hash: child.hash, version: versionOf(child.resource, cached) });
      return true;
    }
    return record.hash === child.hash && record.version === versionOf(child.resource, cached);
  }
}

export class Reconciler {
  private readonly children: ChildApplier;

  constructor(private readonly o: ReconcilerOptions) {
    this.children = new ChildApplier(o);
  }

  /** Forgets what was applied for a deleted monitor. */
  forget(key: string): void {
    this.children.forget(key);
  }

  /** The monitor's CronJobs in hydra's namespace, as cached. */
  private jobsOf(namespace: string, name: string): KubeObject[] {
    return this.o.children.list(CRON_JOB, this.o.jobs.namespace, {
      [LABEL_MONITOR_NAMESPACE]: namespace,
      [LABEL_MONITOR]: name,
    });
  }

  /** Deletes the CronJobs of a monitor that is gone (its finalizer was removed by someone else); returns writes. */
  async collectOrphans(key: string): Promise<number> {
    const [namespace, name] = key.split('/') as [string, string];
    let writes = 0;
    for (const job of this.jobsOf(namespace, name)) {
      if (job.metadata.deletionTimestamp) continue;
      if (await this.o.client.delete(objectPath(CRON_JOB, this.o.jobs.namespace, job.metadata.name))) writes++;
    }
    return writes;
  }

  /** Merge patch of the monitor's finalizers, guarded by its resourceVersion (a 409 is retried). */
  private async setFinalizers(monitor: HydraMonitor, finalizers: string[]): Promise<void> {
    const result = await this.o.client.request<KubeObject>(
      'PATCH',
      objectPath(HYDRA_MONITOR, monitor.metadata.namespace, monitor.metadata.name),
      {
        contentType: 'application/merge-patch+json',
        body: { metadata: { resourceVersion: monitor.metadata.resourceVersion, finalizers } },
      },
    );
    this.o.rememberMonitor(result);
  }

  /**
   * Reconciles `monitor` (as cached); throws on failures that should be retried. `log` is the run's
   * logger (the worker's, with its reconcileID); its lines also carry `monitor` and `generation`.
   */
  async reconcile(monitor: HydraMonitor, runLog: Logger = this.o.logger): Promise<ReconcileOutcome> {
    const key = objectKey(monitor.metadata.namespace, monitor.metadata.name);
    const log = runLog.child({ monitor: key, generation: monitor.metadata.generation });
    const finalizers = (monitor.metadata as { finalizers?: string[] }).finalizers ?? [];
    if (monitor.metadata.deletionTimestamp) {
      if (!finalizers.includes(FINALIZER_JOBS)) return { result: 'deleted', writes: 0 };
      const writes = await this.collectOrphans(key);
      await this.setFinalizers(
        monitor,
        finalizers.filter((f) => f !== FINALIZER_JOBS),
      );
      log.info({ jobs: writes }, 'deleted the CronJobs of the deleted monitor; finalizer removed');
      return { result: 'deleted', writes: writes + 1 };
    }
    let writes = 0;
    if (!finalizers.includes(FINALIZER_JOBS)) {
      await this.setFinalizers(monitor, [...finalizers, FINALIZER_JOBS]);
      writes++;
    }
    const checked = validateMonitorSpec(monitor.spec);
    if (!checked.ok) {
      const error = new InvalidSpecError(`invalid spec: ${formatErrors(checked.errors).replace(/\n/g, '; ')}`);
      await this.o.events.record(monitor as never, 'Warning', 'InvalidSpec', error.message);
      writes += await this.writeStatus(
        monitor,
        computeStatus(monitor, { ...this.observe(monitor, new Map()), error }, new Date()),
      );
      throw Object.assign(error, { writes });
    }
    for (const w of checked.warnings)
      await this.o.events.record(monitor as never, 'Warning', 'DeprecatedField', `${w.path}: ${w.message}`);
    const resolved: HydraMonitor = { ...monitor, spec: checked.value };
    if (resolved.spec.paused) {
      writes += await this.writeStatus(
        resolved,
        computeStatus(resolved, this.observe(resolved, new Map()), new Date()),
      );
      return { result: 'paused', writes };
    }
    const desired = desiredChildren(resolved, {
      defaultImage: this.o.defaultImage,
      ...(this.o.externalUrl ? { externalUrl: this.o.externalUrl } : {}),
      serviceMonitors: this.o.serviceMonitors(),
      jobs: this.o.jobs,
    });
    const generationChanged = monitor.status?.observedGeneration !== monitor.metadata.generation;
    const fresh = new Map<string, KubeObject>();
    try {
      writes += await this.children.apply(key, monitor.metadata.uid, desired, fresh, log);
      // Owned children in the monitor's namespace (a dedicated collector; CronJobs of before v0.3), then the
      // monitor's CronJobs in hydra's namespace (labels, no owner).
      const ns = monitor.metadata.namespace;
      const owned = this.o.children
        .kinds()
        .flatMap((resource) =>
          this.o.children
            .list(resource, ns, { [LABEL_MONITOR]: monitor.metadata.name })
            .map((obj) => ({ resource, obj })),
        )
        .filter(({ obj }) => obj.metadata.labels?.[LABEL_MONITOR_NAMESPACE] === undefined);
      writes += await this.children.prune(key, monitor.metadata.uid, desired, owned, log);
      const jobs = this.jobsOf(ns, monitor.metadata.name).map((obj) => ({ resource: CRON_JOB, obj }));
      writes += await this.children.prune(key, undefined, desired, jobs, log);
    } catch (err) {
      const error = err as Error;
      await this.o.events.record(monitor as never, 'Warning', 'ApplyFailed', error.message);
      try {
        writes += await this.writeStatus(
          resolved,
          computeStatus(resolved, { ...this.observe(resolved, fresh), error }, new Date()),
        );
      } catch (statusErr) {
        log.warn({ err: statusErr }, 'could not write the failure into status');
      }
      throw err;
    }
    writes += await this.writeStatus(resolved, computeStatus(resolved, this.observe(resolved, fresh), new Date()));
    if (generationChanged && writes > 0) {
      const unsigned = unreadableWebhookSecrets(resolved, this.o.jobs);
      if (unsigned.length > 0)
        await this.o.events.record(
          monitor as never,
          'Warning',
          'WebhookSecretUnavailable',
          `webhook secretRef is read only for monitors in hydra's namespace (${this.o.jobs.namespace}): ${unsigned.join(', ')} will not be delivered`,
        );
      await this.o.events.record(
        monitor as never,
        'Normal',
        'Reconciled',
        `generation ${monitor.metadata.generation} applied (${desired.length} children)`,
      );
    }
    return { result: writes > 0 ? 'applied' : 'unchanged', writes };
  }

  /** The collector the monitor uses, as cached. */
  collectorView(monitor: HydraMonitor, fresh: Map<string, KubeObject> = new Map()): CollectorView {
    const pickDeployment = (namespace: string, name: string) =>
      (fresh.get(childId(DEPLOYMENT, namespace, name)) ?? this.o.children.get(DEPLOYMENT, namespace, name)) as
        V1Deployment | undefined;
    const ref = collectorRefOf(monitor, this.o.defaultCollector);
    if (ref === 'dedicated' && hasDedicatedCollector(monitor)) {
      const source = dedicatedCollector(monitor);
      return { name: 'dedicated', source, deployment: pickDeployment(source.namespace, source.name) };
    }
    const { namespace, name } = ref as { namespace: string; name: string };
    const label = `${namespace}/${name}`;
    const collector = this.o.collectors(namespace, name);
    if (!collector)
      return {
        name: label,
        problem: { reason: 'CollectorNotFound', message: `HydraCollector ${label} does not exist` },
      };
    const checked = validateCollectorSpec(collector.spec);
    if (!checked.ok)
      return { name: label, problem: { reason: 'CollectorInvalid', message: `HydraCollector ${label} is invalid` } };
    const source = sharedCollector({ ...collector, spec: checked.value });
    return { name: label, source, deployment: pickDeployment(namespace, name) };
  }

  private observe(monitor: HydraMonitor, fresh: Map<string, KubeObject>) {
    const pick = (name: string) =>
      (fresh.get(childId(CRON_JOB, this.o.jobs.namespace, name)) ??
        this.o.children.get(CRON_JOB, this.o.jobs.namespace, name)) as V1CronJob | undefined;
    return {
      collector: this.collectorView(monitor, fresh),
      anomalyJob: monitor.spec.anomaly.enabled ? pick(anomalyJobName(monitor)) : undefined,
      forecastJob: monitor.spec.forecast.enabled ? pick(forecastJobName(monitor)) : undefined,
      anomalyRuns: monitor.spec.anomaly.enabled ? this.runsOf(monitor, COMPONENT_ANOMALY) : undefined,
      forecastRuns: monitor.spec.forecast.enabled ? this.runsOf(monitor, COMPONENT_FORECAST) : undefined,
    };
  }

  /** The Jobs the monitor's CronJob of `component` started (their labels come from its jobTemplate), as cached. */
  private runsOf(monitor: HydraMonitor, component: string): V1Job[] {
    return this.o.children.list(JOB, this.o.jobs.namespace, {
      [LABEL_MONITOR_NAMESPACE]: monitor.metadata.namespace,
      [LABEL_MONITOR]: monitor.metadata.name,
      [LABEL_COMPONENT]: component,
    }) as unknown as V1Job[];
  }

  /** Applies the owned status fields to /status when they differ from the cached ones; returns writes made. */
  private async writeStatus(monitor: HydraMonitor, status: OwnedStatus): Promise<number> {
    const current = { ...(monitor.status ?? {}) };
    delete current.activeAlerts;
    if (contentHash(current) === contentHash(status)) return 0;
    return this.applyStatus(HYDRA_MONITOR, monitor, status);
  }

  private async applyStatus(
    kind: ResourceKind,
    obj: { metadata: { name: string; namespace: string } },
    status: object,
  ): Promise<number> {
    const body = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
      status,
    };
    try {
      const result = await this.o.client.apply<KubeObject>(
        objectPath(kind, obj.metadata.namespace, obj.metadata.name, 'status'),
        body,
        FIELD_MANAGER,
      );
      if (kind === HYDRA_MONITOR) this.o.rememberMonitor(result);
      else this.o.rememberCollector?.(result);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return 0;
      throw err;
    }
    return 1;
  }

  /** Reconciles a HydraCollector: its Deployment, Service, ConfigMap, HPA, PDB, ServiceMonitor and status. */
  async reconcileCollector(collector: HydraCollector, runLog: Logger = this.o.logger): Promise<ReconcileOutcome> {
    const key = `collector:${objectKey(collector.metadata.namespace, collector.metadata.name)}`;
    const log = runLog.child({ collector: key, generation: collector.metadata.generation });
    if (collector.metadata.deletionTimestamp) return { result: 'deleted', writes: 0 };
    const checked = validateCollectorSpec(collector.spec ?? {});
    if (!checked.ok) {
      const error = new InvalidSpecError(`invalid spec: ${formatErrors(checked.errors).replace(/\n/g, '; ')}`);
      await this.o.events.record(collector as never, 'Warning', 'InvalidSpec', error.message);
      Object.assign(error, { writes: 0 });
      throw error;
    }
    const resolved: HydraCollector = { ...collector, spec: checked.value };
    const source = sharedCollector(resolved);
    const desired = desiredCollectorChildren(resolved, {
      defaultImage: this.o.defaultImage,
      serviceMonitors: this.o.serviceMonitors(),
    });
    const fresh = new Map<string, KubeObject>();
    let writes = 0;
    let error: Error | undefined;
    try {
      writes += await this.children.apply(key, collector.metadata.uid, desired, fresh, log);
      const ns = collector.metadata.namespace;
      const owned = this.o.children
        .kinds()
        .flatMap((resource) =>
          this.o.children
            .list(resource, ns, { [LABEL_COLLECTOR]: collector.metadata.name })
            .map((obj) => ({ resource, obj })),
        );
      writes += await this.children.prune(key, collector.metadata.uid, desired, owned, log);
    } catch (err) {
      error = err as Error;
      await this.o.events.record(collector as never, 'Warning', 'ApplyFailed', error.message);
    }
    const deployment = (fresh.get(childId(DEPLOYMENT, source.namespace, source.name)) ??
      this.o.children.get(DEPLOYMENT, source.namespace, source.name)) as V1Deployment | undefined;
    const status = computeCollectorStatus(resolved, { name: key, source, deployment }, error, new Date());
    if (contentHash(collector.status ?? {}) !== contentHash(status))
      writes += await this.applyStatus(HYDRA_COLLECTOR, collector, status);
    if (error) throw Object.assign(error, { writes });
    return { result: writes > 0 ? 'applied' : 'unchanged', writes };
  }
}
