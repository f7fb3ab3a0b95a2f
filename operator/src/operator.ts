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
import type { HydraMonitor } from '@hydra/schema';
import { Caches, type ChangeHandler } from './cache.ts';
import { DEFAULT_IMAGE } from './constants.ts';
import { Controller, DEFAULT_WORKERS } from './controller.ts';
import { EventRecorder } from './events.ts';
import { KubeClient } from './kube/client.ts';
import { CHILD_KINDS, HYDRA_MONITOR, SERVICE_MONITOR, objectKey } from './kube/kinds.ts';
import { LeaderElector } from './leader.ts';
import { DEFAULT_SHUTDOWN_MS, Manager, type Runnable, type StopReason } from './manager.ts';
import { OperatorMetrics } from './metrics.ts';
import { Reconciler } from './reconciler.ts';
import { startProbeServer, type ProbeServer } from './server.ts';
import { sleep } from './time.ts';

export { DEFAULT_SHUTDOWN_MS, DEFAULT_WORKERS, type StopReason };
/** Every monitor is re-queued this often (catches anything a watch could have missed; writes only on drift). */
export const DEFAULT_RESYNC_MS = 10 * 60_000;
export const DEFAULT_LEASE_NAME = 'hydra-operator';
export const DEFAULT_HTTP_PORT = 8081;

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; empty or undefined: all namespaces. */
  namespaces?: string[];
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

  const scopes = options.namespaces && options.namespaces.length > 0 ? options.namespaces : [''];
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
  });
  const hydraController: Controller = new Controller({
    name: 'hydramonitor',
    logger: log,
    workers: options.workers ?? DEFAULT_WORKERS,
    synced: () => caches.waitForSync(),
    metrics,
    reconcile: async (key, runLog) => {
      const monitor = caches.monitors.get(...(key.split('/') as [string, string])) as HydraMonitor | undefined;
      if (!monitor) {
        reconciler.forget(key);
        return { result: 'deleted' };
      }
      return reconciler.reconcile(monitor, runLog);
    },
  });

  const onMonitor: ChangeHandler = (type, obj, old) => {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') reconciler.forget(key);
    else if (needsReconcile(obj as unknown as HydraMonitor, old as unknown as HydraMonitor | undefined))
      hydraController.enqueue(key);
  };
  // A child's change queues the monitor that owns it.
  const onChild: ChangeHandler = (_type, obj) => {
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === HYDRA_MONITOR.kind);
    if (owner) hydraController.enqueue(objectKey(obj.metadata.namespace, owner.name));
  };
  for (const kind of CHILD_KINDS) if (kind !== SERVICE_MONITOR || serviceMonitors) caches.watchChildren(kind, onChild);
  caches.watchMonitors(onMonitor);

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
      logger: log,
      discover: async () => {
        if (serviceMonitors || !(await servesServiceMonitors(client))) return false;
        serviceMonitors = true;
        caches.watchChildren(SERVICE_MONITOR, onChild);
        return true;
      },
    }),
  );
  mgr.add(hydraController);
  mgr.start();

  let server: ProbeServer | undefined;
  if (options.http) {
    server = await startProbeServer({
      ...options.http,
      metrics: (req, res) => metrics.handle(req, res),
      notReady: () => (caches.synced ? undefined : 'caches not synced'),
    });
  }
  log.info({ identity, namespaces: scopes.filter(Boolean), serviceMonitors, url: server?.url }, 'operator started');

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
