/**
 * The HydraMonitor operator, assembled as controller-runtime assembles one: a Manager runs the Caches (list-then-
 * watch of the monitors and their children), the resync, and — while this replica leads (Lease) — the Controller,
 * whose workers reconcile the keys the caches' events queue. `startOperator` returns once it is running, with the
 * /metrics, /healthz, /readyz endpoints; `stop()` shuts it down gracefully (finishes in-flight reconciles up to a
 * deadline, releases the Lease).
 */
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { defaultLogger, type Logger } from '@hydra/logging';
import {
  API_GROUP_VERSION,
  COLLECTOR_KIND,
  DEFAULT_DATABASE_SECRET,
  DEFAULT_DATABASE_SECRET_KEY,
  type HydraCollector,
  type HydraMonitor,
} from '@hydra/schema';
import { Caches, type ChangeHandler } from './cache.ts';
import {
  DEFAULT_HYDRA_NAMESPACE,
  DEFAULT_IMAGE,
  DEFAULT_SHARED_COLLECTOR,
  LABEL_MONITOR,
  LABEL_MONITOR_NAMESPACE,
} from './constants.ts';
import { Controller, DEFAULT_WORKERS } from './controller.ts';
import { EventRecorder } from './events.ts';
import { KubeClient } from './kube/client.ts';
import {
  CHILD_KINDS,
  DEPLOYMENT,
  HYDRA_COLLECTOR,
  HYDRA_MONITOR,
  SERVICE_MONITOR,
  objectKey,
  type ResourceKind,
} from './kube/kinds.ts';
import { LeaderElector } from './leader.ts';
import { DEFAULT_SHUTDOWN_MS, Manager, type Runnable, type StopReason } from './manager.ts';
import { OperatorMetrics } from './metrics.ts';
import { Reconciler, collectorRefOf } from './reconciler.ts';
import { startProbeServer, type ProbeServer } from './server.ts';
import { sleep } from './time.ts';

export { DEFAULT_SHUTDOWN_MS, DEFAULT_WORKERS, type StopReason };
/** Every monitor is re-queued this often (catches anything a watch could have missed; writes only on drift). */
export const DEFAULT_RESYNC_MS = 10 * 60_000;
export const DEFAULT_LEASE_NAME = 'hydra-operator';
export const DEFAULT_HTTP_PORT = 8081;

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; empty or undefined: all namespaces. hydra's own namespace is always watched. */
  namespaces?: string[];
  /**
   * hydra's own namespace: every monitor's CronJobs run here, and `collectorRef`s without a namespace point
   * here. Default DEFAULT_HYDRA_NAMESPACE.
   */
  hydraNamespace?: string;
  /** HydraCollector (in hydra's namespace) of monitors that name none; default DEFAULT_SHARED_COLLECTOR. */
  defaultCollector?: string;
  /** ServiceAccount of the job pods in hydra's namespace; undefined: that namespace's default. */
  jobServiceAccount?: string;
  /** The database Secret (in hydra's namespace) the jobs read; default hydra-database/url. */
  databaseSecret?: { name: string; key: string };
  workers?: number;
  defaultImage?: string;
  /** Where users reach hydra's dashboard: the jobs' HYDRA_EXTERNAL_URL (Alertmanager's generatorURL). */
  externalUrl?: string;
  resyncMs?: number;
  /** Lease-based leader election; false runs without (single replica, tests). */
  leaderElection?:
    | false
    | {
        namespace: string;
        name?: string;
        identity?: string;
        leaseDurationSeconds?: number;
        renewDeadlineMs?: number;
        retryPeriodMs?: number;
      };
  /** Where /metrics, /healthz and /readyz listen; undefined: no HTTP server. Port 0 picks a free port. */
  http?: { host: string; port: number };
  /** default defaultLogger('operator') */
  logger?: Logger;
}

export interface Operator {
  readonly metrics: OperatorMetrics;
  readonly identity: string;
  /** URL of the HTTP server, when one was asked for. */
  readonly url: string | undefined;
  isLeader(): boolean;
  /** Resolves once every cache has listed. */
  synced(): Promise<void>;
  /** Resolves when the operator stops, with why. */
  readonly done: Promise<StopReason>;
  stop(deadlineMs?: number): Promise<void>;
}

/** Discovery: does the API server serve monitoring.coreos.com/v1 servicemonitors? */
async function servesServiceMonitors(client: KubeClient): Promise<boolean> {
  const list = await client.get<{ resources?: { name: string }[] }>(`/apis/${SERVICE_MONITOR.apiVersion}`);
  return (list?.resources ?? []).some((r) => r.name === SERVICE_MONITOR.plural);
}

/** A monitor's change that asks for a reconcile: a new generation or deletion, or a status behind its spec. */
function needsReconcile(obj: HydraMonitor, old: HydraMonitor | undefined): boolean {
  return (
    !old ||
    old.metadata.generation !== obj.metadata.generation ||
    old.metadata.deletionTimestamp !== obj.metadata.deletionTimestamp ||
    obj.status?.observedGeneration !== obj.metadata.generation
  );
}

/**
 * Resync: re-queues every monitor every `resyncMs` and re-checks whether ServiceMonitors became available. Runs on
 * every replica, as the caches do (a standby's queue is drained when it leads).
 */
function resync(options: {
  resyncMs: number;
  caches: Caches;
  controller: Controller;
  collectors: Controller;
  discover: () => Promise<boolean>;
  logger: Logger;
}): Runnable {
  return {
    name: 'resync',
    needLeaderElection: false,
    async start(signal) {
      while (!signal.aborted) {
        await sleep(options.resyncMs, signal);
        if (signal.aborted) break;
        try {
          if (await options.discover()) options.logger.info('ServiceMonitor CRD found: collectors get ServiceMonitors');
        } catch (err) {
          options.logger.warn({ err }, 'discovery of ServiceMonitor failed');
        }
        for (const m of options.caches.monitors.all())
          options.controller.enqueue(objectKey(m.metadata.namespace, m.metadata.name));
        for (const c of options.caches.collectors.all())
          options.collectors.enqueue(objectKey(c.metadata.namespace, c.metadata.name));
      }
    },
  };
}

/** Starts the operator. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const log = options.logger ?? defaultLogger('operator');
  const identity =
    (options.leaderElection && options.leaderElection.identity) ||
    `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // read at collection, once the controller and the manager below exist
  const metrics: OperatorMetrics = new OperatorMetrics({
    queueDepth: () => hydraController.queue.depth,
    leader: () => mgr.leading,
    queueRefused: () => hydraController.queue.refused,
  });
  const client = new KubeClient(options.kubeConfig, {
    observer: (verb, resource, status) => metrics.request(verb, resource, status),
  });
  let serviceMonitors = false;
  try {
    serviceMonitors = await servesServiceMonitors(client);
  } catch (err) {
    client.close();
    await metrics.shutdown();
    throw new Error(
      `cannot reach the API server at ${options.kubeConfig.getCurrentCluster()?.server}: ${(err as Error).message}`,
      { cause: err },
    );
  }

  const hydraNamespace = options.hydraNamespace ?? DEFAULT_HYDRA_NAMESPACE;
  const watched = options.namespaces && options.namespaces.length > 0 ? options.namespaces : [''];
  // hydra's namespace holds the jobs and the shared collector: always cached.
  const scopes = watched.includes('') || watched.includes(hydraNamespace) ? watched : [...watched, hydraNamespace];
  const inScope = (namespace: string) => watched.includes('') || watched.includes(namespace);
  const defaultCollector = { namespace: hydraNamespace, name: options.defaultCollector ?? DEFAULT_SHARED_COLLECTOR };
  const caches = new Caches({
    client,
    scopes,
    logger: log,
    watchRestarted: (resource, reason) => metrics.watchRestarted(resource, reason),
  });
  const reconciler = new Reconciler({
    client,
    children: caches,
    events: new EventRecorder(client, identity, log, () => metrics.eventSuppressed()),
    logger: log,
    defaultImage: options.defaultImage ?? DEFAULT_IMAGE,
    ...(options.externalUrl ? { externalUrl: options.externalUrl } : {}),
    serviceMonitors: () => serviceMonitors,
    rememberMonitor: (obj) => caches.monitors.remember(obj),
    rememberCollector: (obj) => caches.collectors.remember(obj),
    jobs: {
      namespace: hydraNamespace,
      ...(options.jobServiceAccount ? { serviceAccount: options.jobServiceAccount } : {}),
      databaseSecret: options.databaseSecret ?? { name: DEFAULT_DATABASE_SECRET, key: DEFAULT_DATABASE_SECRET_KEY },
    },
    defaultCollector,
    collectors: (namespace, name) => caches.collectors.get(namespace, name) as unknown as HydraCollector | undefined,
  });
  const hydraController: Controller = new Controller({
    name: 'hydramonitor',
    logger: log,
    workers: options.workers ?? DEFAULT_WORKERS,
    synced: () => caches.waitForSync(),
    metrics,
    reconcile: async (key, runLog) => {
      const [namespace, name] = key.split('/') as [string, string];
      const monitor = caches.monitors.get(namespace, name) as HydraMonitor | undefined;
      if (!monitor) {
        reconciler.forget(key);
        // Its CronJobs, if its finalizer was removed by someone else (only for namespaces this operator watches).
        const writes = inScope(namespace) ? await reconciler.collectOrphans(key) : 0;
        return { result: 'deleted', writes };
      }
      return reconciler.reconcile(monitor, runLog);
    },
  });
  const collectorController: Controller = new Controller({
    name: 'hydracollector',
    logger: log,
    workers: options.workers ?? DEFAULT_WORKERS,
    synced: () => caches.waitForSync(),
    metrics,
    reconcile: async (key, runLog) => {
      const [namespace, name] = key.split('/') as [string, string];
      const collector = caches.collectors.get(namespace, name) as unknown as HydraCollector | undefined;
      if (!collector) {
        reconciler.forget(`collector:${key}`);
        return { result: 'deleted' };
      }
      return reconciler.reconcileCollector(
        { ...collector, apiVersion: API_GROUP_VERSION, kind: COLLECTOR_KIND },
        runLog,
      );
    },
  });
  /** Queues every monitor whose data arrives through the HydraCollector namespace/name. */
  const enqueueMonitorsOf = (namespace: string, name: string) => {
    for (const m of caches.monitors.all() as unknown as HydraMonitor[]) {
      const ref = collectorRefOf(m, defaultCollector);
      if (ref !== 'dedicated' && ref.namespace === namespace && ref.name === name)
        hydraController.enqueue(objectKey(m.metadata.namespace, m.metadata.name));
    }
  };

  const onMonitor: ChangeHandler = (type, obj, old) => {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') reconciler.forget(key);
    else if (needsReconcile(obj as unknown as HydraMonitor, old as unknown as HydraMonitor | undefined))
      hydraController.enqueue(key);
  };
  const onCollector: ChangeHandler = (type, obj, old) => {
    const { namespace = '', name } = obj.metadata;
    if (type !== 'DELETED') collectorController.enqueue(objectKey(namespace, name));
    // Monitors show whether their collector exists: they learn when it comes or goes.
    if (type !== 'MODIFIED' || !old) enqueueMonitorsOf(namespace, name);
  };
  // A child's change queues the monitor or collector that owns it; a CronJob in hydra's namespace, the monitor
  // its labels name; a HydraCollector's Deployment, also the monitors that use it (their status shows it).
  const onChild =
    (resource: ResourceKind): ChangeHandler =>
    (_type, obj) => {
      const owner = obj.metadata.ownerReferences?.find((r) => r.controller);
      const labels = obj.metadata.labels ?? {};
      if (owner?.kind === HYDRA_MONITOR.kind) hydraController.enqueue(objectKey(obj.metadata.namespace, owner.name));
      else if (owner?.kind === HYDRA_COLLECTOR.kind) {
        collectorController.enqueue(objectKey(obj.metadata.namespace, owner.name));
        if (resource === DEPLOYMENT) enqueueMonitorsOf(obj.metadata.namespace ?? '', owner.name);
      } else if (labels[LABEL_MONITOR_NAMESPACE] && labels[LABEL_MONITOR])
        hydraController.enqueue(objectKey(labels[LABEL_MONITOR_NAMESPACE], labels[LABEL_MONITOR]));
    };
  for (const kind of CHILD_KINDS)
    if (kind !== SERVICE_MONITOR || serviceMonitors) caches.watchChildren(kind, onChild(kind));
  caches.watchMonitors(onMonitor);
  caches.watchCollectors(onCollector);

  const le = options.leaderElection;
  const mgr = new Manager({
    logger: log,
    ...(le
      ? {
          leaderElection: (callbacks) =>
            new LeaderElector({
              client,
              namespace: le.namespace,
              name: le.name ?? DEFAULT_LEASE_NAME,
              identity,
              leaseDurationSeconds: le.leaseDurationSeconds,
              renewDeadlineMs: le.renewDeadlineMs,
              retryPeriodMs: le.retryPeriodMs,
              logger: log,
              ...callbacks,
            }),
        }
      : {}),
  });
  mgr.add(caches);
  mgr.add(
    resync({
      resyncMs: options.resyncMs ?? DEFAULT_RESYNC_MS,
      caches,
      controller: hydraController,
      collectors: collectorController,
      logger: log,
      discover: async () => {
        if (serviceMonitors || !(await servesServiceMonitors(client))) return false;
        serviceMonitors = true;
        caches.watchChildren(SERVICE_MONITOR, onChild(SERVICE_MONITOR));
        return true;
      },
    }),
  );
  mgr.add(hydraController);
  mgr.add(collectorController);
  mgr.start();

  let server: ProbeServer | undefined;
  if (options.http) {
    server = await startProbeServer({
      ...options.http,
      metrics: (req, res) => metrics.handle(req, res),
      notReady: () => (caches.synced ? undefined : 'caches not synced'),
    });
  }
  log.info(
    {
      identity,
      namespaces: scopes.filter(Boolean),
      hydraNamespace,
      defaultCollector,
      serviceMonitors,
      url: server?.url,
    },
    'operator started',
  );

  // Once the manager has stopped (asked to, or on losing the lead): the endpoints, the metrics, the connections.
  const closed = mgr.done.then(async (reason) => {
    await server?.close();
    await metrics.shutdown();
    client.close();
    return reason;
  });
  return {
    metrics,
    identity,
    url: server?.url,
    isLeader: () => mgr.leading,
    synced: () => caches.waitForSync(),
    done: closed,
    stop: async (deadlineMs?: number) => {
      await mgr.stop(deadlineMs);
      await closed;
    },
  };
}
