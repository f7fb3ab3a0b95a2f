/**
 * One reconcile of one HydraMonitor: level-based and idempotent. It builds the desired children (pure builders),
 * applies with server-side apply only the ones whose content hash differs from the cached child or that someone
 * else changed since the operator's last apply (their generation/resourceVersion moved), deletes children the
 * monitor no longer wants, and writes status only when it differs. At steady state it makes no API requests.
 */
import type { V1CronJob, V1Deployment } from '@kubernetes/client-node';
import { validateMonitorSpec, formatErrors, type HydraMonitor } from '@hydra/schema';
import { ANNOTATION_SPEC_HASH, FIELD_MANAGER } from './constants.ts';
import type { EventRecorder } from './events.ts';
import type { KubeClient } from './kube/client.ts';
import { KubeApiError } from './kube/errors.ts';
import { CRON_JOB, DEPLOYMENT, HYDRA_MONITOR, objectKey, objectPath, type ResourceKind } from './kube/kinds.ts';
import type { KubeObject } from './kube/types.ts';
import type { Logger } from '@hydra/logging';
import { TerminalError, type ReconcileOutcome } from './controller.ts';
import { desiredChildren, type DesiredChild } from './resources/desired.ts';
import { anomalyJobName, collectorName, forecastJobName } from './resources/meta.ts';
import { computeStatus, type Observed, type OwnedStatus } from './status.ts';
import { contentHash } from './resources/hash.ts';

/** Kinds whose spec changes bump metadata.generation; for the others the resourceVersion tells a change. */
const GENERATION_KINDS: ReadonlySet<string> = new Set([DEPLOYMENT.kind, CRON_JOB.kind, 'ServiceMonitor']);

/** Read access to the caches the controller keeps. */
export interface ChildCache {
  /** Cached child of `resource` at namespace/name. */
  get(resource: ResourceKind, namespace: string, name: string): KubeObject | undefined;
  /** Cached children of `resource` in `namespace` labelled with the monitor's name. */
  listFor(resource: ResourceKind, namespace: string, monitorName: string): KubeObject[];
  /** Kinds currently watched (ServiceMonitor only when its CRD is served). */
  kinds(): readonly ResourceKind[];
  /** Write-through: the object an apply returned. */
  remember(resource: ResourceKind, obj: KubeObject): void;
}

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
  /** Write-through for the monitor cache: the monitor a status write returned. */
  rememberMonitor: (monitor: KubeObject) => void;
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

export class Reconciler {
  /** Per monitor key: child key → what was applied. Dropped when the monitor goes away. */
  private readonly applied = new Map<string, Map<string, AppliedRecord>>();

  constructor(private readonly o: ReconcilerOptions) {}

  /** Forgets what was applied for a deleted monitor. */
  forget(key: string): void {
    this.applied.delete(key);
  }

  /**
   * Reconciles `monitor` (as cached); throws on failures that should be retried. `log` is the run's
   * logger (the worker's, with its reconcileID); its lines also carry `monitor` and `generation`.
   */
  async reconcile(monitor: HydraMonitor, runLog: Logger = this.o.logger): Promise<ReconcileOutcome> {
    const key = objectKey(monitor.metadata.namespace, monitor.metadata.name);
    const log = runLog.child({ monitor: key, generation: monitor.metadata.generation });
    if (monitor.metadata.deletionTimestamp) return { result: 'deleted', writes: 0 };
    const checked = validateMonitorSpec(monitor.spec);
    if (!checked.ok) {
      const error = new InvalidSpecError(`invalid spec: ${formatErrors(checked.errors).replace(/\n/g, '; ')}`);
      await this.o.events.record(monitor as never, 'Warning', 'InvalidSpec', error.message);
      const writes = await this.writeStatus(
        monitor,
        computeStatus(monitor, { ...this.observe(monitor, new Map()), error }, new Date()),
      );
      throw Object.assign(error, { writes });
    }
    for (const w of checked.warnings)
      await this.o.events.record(monitor as never, 'Warning', 'DeprecatedField', `${w.path}: ${w.message}`);
    const resolved: HydraMonitor = { ...monitor, spec: checked.value };
    if (resolved.spec.paused) {
      const writes = await this.writeStatus(
        resolved,
        computeStatus(resolved, this.observe(resolved, new Map()), new Date()),
      );
      return { result: 'paused', writes };
    }
    const desired = desiredChildren(resolved, {
      defaultImage: this.o.defaultImage,
      ...(this.o.externalUrl ? { externalUrl: this.o.externalUrl } : {}),
      serviceMonitors: this.o.serviceMonitors(),
    });
    const records = this.applied.get(key) ?? new Map<string, AppliedRecord>();
    this.applied.set(key, records);
    const fresh = new Map<string, KubeObject>();
    let writes = 0;
    try {
      for (const child of desired) {
        if (this.upToDate(child, resolved, records)) continue;
        const result = await this.o.client.apply<KubeObject>(
          objectPath(child.resource, resolved.metadata.namespace, child.name),
          child.object,
          FIELD_MANAGER,
        );
        records.set(`${child.resource.kind}/${child.name}`, {
          hash: child.hash,
          version: versionOf(child.resource, result),
        });
        fresh.set(`${child.resource.kind}/${child.name}`, result);
        this.o.children.remember(child.resource, result);
        writes++;
        log.debug({ kind: child.resource.kind, name: child.name }, 'applied');
      }
      writes += await this.prune(resolved, desired, records);
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
    const generationChanged = monitor.status?.observedGeneration !== monitor.metadata.generation;
    writes += await this.writeStatus(resolved, computeStatus(resolved, this.observe(resolved, fresh), new Date()));
    if (generationChanged && writes > 0) {
      await this.o.events.record(
        monitor as never,
        'Normal',
        'Reconciled',
        `generation ${monitor.metadata.generation} applied (${desired.length} children)`,
      );
    }
    return { result: writes > 0 ? 'applied' : 'unchanged', writes };
  }

  /** The child exists with the content the operator would apply, and nobody changed it since. */
  private upToDate(child: DesiredChild, monitor: HydraMonitor, records: Map<string, AppliedRecord>): boolean {
    const cached = this.o.children.get(child.resource, monitor.metadata.namespace, child.name);
    if (!cached) return false;
    if (cached.metadata.annotations?.[ANNOTATION_SPEC_HASH] !== child.hash) return false;
    if (!cached.metadata.ownerReferences?.some((r) => r.controller && r.uid === monitor.metadata.uid)) return false;
    const record = records.get(`${child.resource.kind}/${child.name}`);
    if (!record) {
      records.set(`${child.resource.kind}/${child.name}`, {
        hash: child.hash,
        version: versionOf(child.resource, cached),
      });
      return true;
    }
    return record.hash === child.hash && record.version === versionOf(child.resource, cached);
  }

  /** Deletes cached children of the monitor (controller-owned by it) that are not desired any more. */
  private async prune(
    monitor: HydraMonitor,
    desired: DesiredChild[],
    records: Map<string, AppliedRecord>,
  ): Promise<number> {
    const wanted = new Set(desired.map((c) => `${c.resource.kind}/${c.name}`));
    let deleted = 0;
    for (const resource of this.o.children.kinds()) {
      for (const obj of this.o.children.listFor(resource, monitor.metadata.namespace, monitor.metadata.name)) {
        const id = `${resource.kind}/${obj.metadata.name}`;
        if (wanted.has(id) || obj.metadata.deletionTimestamp) continue;
        if (!obj.metadata.ownerReferences?.some((r) => r.controller && r.uid === monitor.metadata.uid)) continue;
        await this.o.client.delete(objectPath(resource, monitor.metadata.namespace, obj.metadata.name), {
          uid: obj.metadata.uid,
        });
        records.delete(id);
        this.o.logger.info(
          {
            monitor: `${monitor.metadata.namespace}/${monitor.metadata.name}`,
            kind: resource.kind,
            name: obj.metadata.name,
          },
          'deleted child no longer wanted',
        );
        deleted++;
      }
    }
    return deleted;
  }

  private observe(monitor: HydraMonitor, fresh: Map<string, KubeObject>): Observed {
    const ns = monitor.metadata.namespace;
    const pick = (resource: ResourceKind, name: string) =>
      fresh.get(`${resource.kind}/${name}`) ?? this.o.children.get(resource, ns, name);
    return {
      deployment: pick(DEPLOYMENT, collectorName(monitor)) as V1Deployment | undefined,
      anomalyJob: monitor.spec.anomaly.enabled
        ? (pick(CRON_JOB, anomalyJobName(monitor)) as V1CronJob | undefined)
        : undefined,
      forecastJob: monitor.spec.forecast.enabled
        ? (pick(CRON_JOB, forecastJobName(monitor)) as V1CronJob | undefined)
        : undefined,
    };
  }

  /** Applies the owned status fields to /status when they differ from the cached ones; returns writes made. */
  private async writeStatus(monitor: HydraMonitor, status: OwnedStatus): Promise<number> {
    const current = { ...(monitor.status ?? {}) };
    delete current.activeAlerts;
    if (contentHash(current) === contentHash(status)) return 0;
    const body = {
      apiVersion: HYDRA_MONITOR.apiVersion,
      kind: HYDRA_MONITOR.kind,
      metadata: { name: monitor.metadata.name, namespace: monitor.metadata.namespace },
      status,
    };
    try {
      await this.o.client.apply(
        objectPath(HYDRA_MONITOR, monitor.metadata.namespace, monitor.metadata.name, 'status'),
        body,
        FIELD_MANAGER,
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return 0;
      throw err;
    }
    return 1;
  }
}
