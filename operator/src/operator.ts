/**
 * The HydraMonitor operator: caches (list-then-watch) of monitors and of the children it manages, a keyed work
 * queue fed by their events, workers that reconcile while this instance leads (Lease), periodic resync, and the
 * /metrics, /healthz, /readyz endpoints. `startOperator` returns once it is running; `stop()` shuts it down
 * gracefully (finishes in-flight reconciles up to a deadline, releases the Lease).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import { DEFAULT_IMAGE, LABEL_MANAGED_BY, LABEL_MONITOR, MANAGED_BY } from './constants.ts';
import { EventRecorder } from './events.ts';
import { KubeClient } from './kube/client.ts';
import { CHILD_KINDS, HYDRA_MONITOR, SERVICE_MONITOR, objectKey, type ResourceKind } from './kube/kinds.ts';
import { Reflector, type ChangeType } from './kube/reflector.ts';
import type { KubeObject } from './kube/types.ts';
import { LeaderElector } from './leader.ts';
import { defaultLogger, type Logger } from '@hydra/logging';
import { OperatorMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { InvalidSpecError, Reconciler, type ChildCache } from './reconciler.ts';
import { startProbeServer, type ProbeServer } from './server.ts';
import { KubeApiError } from './kube/errors.ts';
import { sleep } from './time.ts';

export const DEFAULT_WORKERS = 4;
/** Every monitor is re-queued this often (catches anything a watch could have missed; writes only on drift). */
export const DEFAULT_RESYNC_MS = 10 * 60_000;
export const DEFAULT_LEASE_NAME = 'hydra-operator';
export const DEFAULT_SHUTDOWN_MS = 20_000;
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

export type StopReason = 'stopped' | 'lost-leadership';

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

/** Caches of one kind, one per watched namespace (or one for all). */
class KindCache {
  readonly reflectors = new Map<string, Reflector<KubeObject>>();
  constructor(readonly resource: ResourceKind) {}
  private reflectorFor(namespace: string): Reflector<KubeObject> | undefined {
    return this.reflectors.get('') ?? this.reflectors.get(namespace);
  }
  get(namespace: string, name: string): KubeObject | undefined {
    return this.reflectorFor(namespace)?.get(objectKey(namespace, name));
  }
  remember(obj: KubeObject): void {
    this.reflectorFor(obj.metadata.namespace ?? '')?.remember(obj);
  }
  list(namespace: string): KubeObject[] {
    return (this.reflectorFor(namespace)?.list() ?? []).filter((o) => o.metadata.namespace === namespace);
  }
}

/** Discovery: does the API server serve monitoring.coreos.com/v1 servicemonitors? */
async function servesServiceMonitors(client: KubeClient): Promise<boolean> {
  const list = await client.get<{ resources?: { name: string }[] }>(`/apis/${SERVICE_MONITOR.apiVersion}`);
  return (list?.resources ?? []).some((r) => r.name === SERVICE_MONITOR.plural);
}

/** Starts the operator. */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const log = options.logger ?? defaultLogger('operator');
  const identity =
    (options.leaderElection && options.leaderElection.identity) ||
    `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const queue = new WorkQueue();
  let elector: LeaderElector | undefined;
  let leading = options.leaderElection === false || options.leaderElection === undefined;
  const metrics = new OperatorMetrics({
    queueDepth: () => queue.depth,
    leader: () => leading,
    queueRefused: () => queue.refused,
  });
  const client = new KubeClient(options.kubeConfig, {
    observer: (verb, resource, status) => metrics.request(verb, resource, status),
  });
  const scopes = options.namespaces && options.namespaces.length > 0 ? options.namespaces : [''];
  const events = new EventRecorder(client, identity, log, () => metrics.eventSuppressed());
  let serviceMonitors = false;
  try {
    serviceMonitors = await servesServiceMonitors(client);
  } catch (err) {
    throw new Error(
      `cannot reach the API server at ${options.kubeConfig.getCurrentCluster()?.server}: ${(err as Error).message}`,
      { cause: err },
    );
  }

  const enqueue = (key: string) => {
    if (!queue.add(key)) log.warn({ monitor: key }, 'work queue full: monitor not queued');
  };
  const onRestart = (resource: ResourceKind) => (reason: string, error?: Error) => {
    metrics.watchRestarted(resource.plural, reason);
    if (reason !== 'closed') log.warn({ resource: resource.plural, reason, err: error }, 'watch restarted');
  };

  const monitors = new KindCache(HYDRA_MONITOR);
  const childCaches = new Map<string, KindCache>();
  const reflectors: Reflector<KubeObject>[] = [];

  const onMonitor = (type: ChangeType, obj: KubeObject, old: KubeObject | undefined) => {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    if (type === 'DELETED') {
      reconciler.forget(key);
      return;
    }
    const changed =
      !old ||
      old.metadata.generation !== obj.metadata.generation ||
      old.metadata.deletionTimestamp !== obj.metadata.deletionTimestamp ||
      (obj.status as HydraMonitor['status'])?.observedGeneration !== obj.metadata.generation;
    if (changed) enqueue(key);
  };
  const onChild = (_type: ChangeType, obj: KubeObject) => {
    const owner = obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === HYDRA_MONITOR.kind);
    if (owner) enqueue(objectKey(obj.metadata.namespace, owner.name));
  };

  const addReflectors = (
    cache: KindCache,
    onChange: (t: ChangeType, o: KubeObject, old: KubeObject | undefined) => void,
    labelSelector?: string,
  ) => {
    for (const ns of scopes) {
      const r = new Reflector<KubeObject>({
        client,
        resource: cache.resource,
        namespace: ns || undefined,
        labelSelector,
        onChange,
        onRestart: onRestart(cache.resource),
      });
      cache.reflectors.set(ns, r);
      reflectors.push(r);
      r.start();
    }
  };
  const managedSelector = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
  const watchChildKind = (resource: ResourceKind) => {
    const cache = new KindCache(resource);
    childCaches.set(resource.kind, cache);
    addReflectors(cache, onChild, managedSelector);
  };
  for (const kind of CHILD_KINDS) if (kind !== SERVICE_MONITOR || serviceMonitors) watchChildKind(kind);
  addReflectors(monitors, onMonitor);

  const children: ChildCache = {
    get: (resource, ns, name) => childCaches.get(resource.kind)?.get(ns, name),
    listFor: (resource, ns, monitorName) =>
      (childCaches.get(resource.kind)?.list(ns) ?? []).filter(
        (o) => o.metadata.labels?.[LABEL_MONITOR] === monitorName,
      ),
    kinds: () => [...childCaches.values()].map((c) => c.resource),
    remember: (resource, obj) => childCaches.get(resource.kind)?.remember(obj),
  };
  const reconciler = new Reconciler({
    client,
    children,
    events,
    logger: log,
    defaultImage: options.defaultImage ?? DEFAULT_IMAGE,
    ...(options.externalUrl ? { externalUrl: options.externalUrl } : {}),
    serviceMonitors: () => serviceMonitors,
    rememberMonitor: (obj) => monitors.remember(obj),
  });

  const allSynced = () => Promise.all(reflectors.map((r) => r.waitForSync())).then(() => undefined);

  // Workers: run only while leading; one reconcile per key at a time (the queue guarantees it).
  const workerCount = options.workers ?? DEFAULT_WORKERS;
  const workers: Promise<void>[] = [];
  const work = async () => {
    await allSynced();
    for (;;) {
      const key = await queue.next();
      if (key === undefined) return;
      const started = performance.now();
      // One id per reconcile run: every line of the run carries it (and the monitor), across retries a new one.
      const runLog = log.child({ reconcileID: randomUUID() });
      try {
        const monitor = monitors.get(...(key.split('/') as [string, string])) as HydraMonitor | undefined;
        if (!monitor) {
          metrics.reconciled('deleted', (performance.now() - started) / 1000);
          queue.forget(key);
          continue;
        }
        const outcome = await reconciler.reconcile(monitor, runLog);
        const seconds = (performance.now() - started) / 1000;
        metrics.reconciled(outcome.result, seconds);
        runLog.debug(
          { monitor: key, result: outcome.result, writes: outcome.writes, durationMs: Math.round(seconds * 1000) },
          'reconciled',
        );
        queue.forget(key);
      } catch (err) {
        metrics.reconciled('error', (performance.now() - started) / 1000);
        if (err instanceof InvalidSpecError) {
          runLog.error({ monitor: key, err }, 'monitor spec is invalid; not retried until it changes');
          queue.forget(key);
        } else {
          const retryAfterMs =
            err instanceof KubeApiError && err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : undefined;
          const delay = queue.retry(key, retryAfterMs);
          runLog.warn(
            { monitor: key, attempt: queue.attempts(key), retryInMs: delay, err },
            'reconcile failed; retrying',
          );
        }
      } finally {
        queue.done(key);
      }
    }
  };
  const startWorkers = () => {
    for (let i = 0; i < workerCount; i++) workers.push(work());
  };

  let resolveDone!: (reason: StopReason) => void;
  const done = new Promise<StopReason>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;

  // Resync: re-queue every monitor; re-check whether ServiceMonitors became available.
  const resyncAbort = new AbortController();
  const resyncMs = options.resyncMs ?? DEFAULT_RESYNC_MS;
  const resyncLoop = (async () => {
    while (!resyncAbort.signal.aborted) {
      await sleep(resyncMs, resyncAbort.signal);
      if (resyncAbort.signal.aborted) break;
      try {
        if (!serviceMonitors && (await servesServiceMonitors(client))) {
          serviceMonitors = true;
          watchChildKind(SERVICE_MONITOR);
          log.info('ServiceMonitor CRD found: collectors get ServiceMonitors');
        }
      } catch (err) {
        log.warn({ err }, 'discovery of ServiceMonitor failed');
      }
      for (const r of monitors.reflectors.values())
        for (const m of r.list()) enqueue(objectKey(m.metadata.namespace, m.metadata.name));
    }
  })();

  let server: ProbeServer | undefined;
  const stop = (deadlineMs = DEFAULT_SHUTDOWN_MS, reason: StopReason = 'stopped') => {
    stopping ??= (async () => {
      log.info({ reason }, 'stopping');
      resyncAbort.abort();
      queue.shutdown();
      const drained = Promise.all(workers).then(() => true);
      const inTime = await Promise.race([drained, sleep(deadlineMs).then(() => false)]);
      if (!inTime) log.warn({ deadlineMs }, 'in-flight reconciles did not finish before the shutdown deadline');
      if (elector) await elector.stop();
      await Promise.all(reflectors.map((r) => r.stop()));
      await resyncLoop;
      await server?.close();
      await metrics.shutdown();
      client.close();
      resolveDone(reason);
    })();
    return stopping;
  };

  if (options.leaderElection) {
    const le = options.leaderElection;
    elector = new LeaderElector({
      client,
      namespace: le.namespace,
      name: le.name ?? DEFAULT_LEASE_NAME,
      identity,
      leaseDurationSeconds: le.leaseDurationSeconds,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      logger: log,
      onStartedLeading: () => {
        leading = true;
        startWorkers();
      },
      onStoppedLeading: () => {
        const wasLeading = leading;
        leading = false;
        // Like controller-runtime: a replica that lost the Lease stops; its Deployment restarts it as a candidate.
        if (wasLeading && !stopping)
          stop(DEFAULT_SHUTDOWN_MS, 'lost-leadership').catch((err: unknown) =>
            log.error({ err }, 'shutdown after losing leadership failed'),
          );
      },
    });
    elector.start();
  } else startWorkers();

  if (options.http) {
    server = await startProbeServer({
      ...options.http,
      metrics: (req, res) => metrics.handle(req, res),
      notReady: () => (reflectors.every((r) => r.synced) ? undefined : 'caches not synced'),
    });
  }
  log.info({ identity, namespaces: scopes.filter(Boolean), serviceMonitors, url: server?.url }, 'operator started');

  return {
    metrics,
    identity,
    url: server?.url,
    isLeader: () => leading,
    synced: allSynced,
    done,
    stop: (deadlineMs?: number) => stop(deadlineMs),
  };
}
