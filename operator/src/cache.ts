/**
 * The operator's caches (controller-runtime's informer cache): list-then-watch reflectors of the HydraMonitors and
 * of the children the operator manages (by the managed-by label), one per watched namespace (or one for all).
 * A Runnable that needs no lead: a standby replica keeps warm caches. A watched kind's changes go to its handler
 * (the Controller's enqueue, through the mapping of a child to its owning monitor).
 */
import type { Logger } from '@hydra/logging';
import { LABEL_MANAGED_BY, MANAGED_BY } from './constants.ts';
import type { KubeClient } from './kube/client.ts';
import { HYDRA_COLLECTOR, HYDRA_MONITOR, objectKey, type ResourceKind } from './kube/kinds.ts';
import { Reflector, type ChangeType } from './kube/reflector.ts';
import type { KubeObject } from './kube/types.ts';
import type { Runnable } from './manager.ts';
import type { ChildCache } from './reconciler.ts';

export type ChangeHandler = (type: ChangeType, obj: KubeObject, old: KubeObject | undefined) => void;

/** Caches of one kind, one per watched namespace (or one for all). */
export class KindCache {
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
  /** Every cached object of every namespace. */
  all(): KubeObject[] {
    return [...this.reflectors.values()].flatMap((r) => r.list());
  }
}

export interface CachesOptions {
  client: KubeClient;
  /** Namespaces to watch; [''] for all. */
  scopes: string[];
  logger: Logger;
  /** A watch restarted (metrics); `reason` is one word (gone, closed, error). */
  watchRestarted?: (resource: string, reason: string) => void;
}

export class Caches implements Runnable, ChildCache {
  readonly name = 'caches';
  readonly needLeaderElection = false;
  readonly monitors = new KindCache(HYDRA_MONITOR);
  readonly collectors = new KindCache(HYDRA_COLLECTOR);
  readonly #children = new Map<string, KindCache>();
  readonly #reflectors: Reflector<KubeObject>[] = [];
  readonly #o: CachesOptions;
  #started = false;
  #stopped = false;

  constructor(options: CachesOptions) {
    this.#o = options;
  }

  /** Watches the monitors; their changes go to `onChange`. */
  watchMonitors(onChange: ChangeHandler): void {
    this.#watch(this.monitors, onChange);
  }

  /** Watches the HydraCollectors; their changes go to `onChange`. */
  watchCollectors(onChange: ChangeHandler): void {
    this.#watch(this.collectors, onChange);
  }

  /** Watches the children of `resource` the operator manages; their changes go to `onChange`. */
  watchChildren(resource: ResourceKind, onChange: ChangeHandler): void {
    if (this.#children.has(resource.kind)) return;
    const cache = new KindCache(resource);
    this.#children.set(resource.kind, cache);
    this.#watch(cache, onChange, `${LABEL_MANAGED_BY}=${MANAGED_BY}`);
  }

  /** Starts every reflector (and those added later at once); stops them when `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    this.#started = true;
    for (const r of this.#reflectors) r.start();
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.#stopped = true;
    await Promise.all(this.#reflectors.map((r) => r.stop()));
  }

  /** Resolves once every reflector has listed. */
  waitForSync(): Promise<void> {
    return Promise.all(this.#reflectors.map((r) => r.waitForSync())).then(() => undefined);
  }

  get synced(): boolean {
    return this.#reflectors.every((r) => r.synced);
  }

  get(resource: ResourceKind, namespace: string, name: string): KubeObject | undefined {
    return this.#children.get(resource.kind)?.get(namespace, name);
  }

  list(resource: ResourceKind, namespace: string, labels: Record<string, string>): KubeObject[] {
    const wanted = Object.entries(labels);
    return (this.#children.get(resource.kind)?.list(namespace) ?? []).filter((o) =>
      wanted.every(([k, v]) => o.metadata.labels?.[k] === v),
    );
  }

  kinds(): readonly ResourceKind[] {
    return [...this.#children.values()].map((c) => c.resource);
  }

  remember(resource: ResourceKind, obj: KubeObject): void {
    this.#children.get(resource.kind)?.remember(obj);
  }

  #watch(cache: KindCache, onChange: ChangeHandler, labelSelector?: string): void {
    const resource = cache.resource;
    for (const ns of this.#o.scopes) {
      const r = new Reflector<KubeObject>({
        client: this.#o.client,
        resource,
        namespace: ns || undefined,
        labelSelector,
        onChange,
        onRestart: (reason, error) => {
          this.#o.watchRestarted?.(resource.plural, reason);
          if (reason !== 'closed')
            this.#o.logger.warn({ resource: resource.plural, reason, err: error }, 'watch restarted');
        },
      });
      cache.reflectors.set(ns, r);
      this.#reflectors.push(r);
      if (this.#started && !this.#stopped) r.start();
    }
  }
}
