/**
 * List-then-watch cache of one resource kind (optionally one namespace and a label selector), the way client-go's
 * reflector works: a paged list fills the cache, a watch from the list's resourceVersion keeps it current, every
 * event and bookmark advances the resourceVersion, a watch that ends or fails resumes from it with backoff, and
 * `410 Gone` drops it and relists (emitting the differences as events, so nothing is missed). It never stops on its
 * own: only `stop()` ends it.
 */
import type { KubeClient } from './client.ts';
import { collectionPath, objectKey, type ResourceKind } from './kinds.ts';
import type { KubeList, KubeObject, WatchEvent } from './types.ts';
import { watchOnce, type WatchEnd } from './watch.ts';
import { backoffDelay, sleep } from '../time.ts';

/** Objects per list page. */
export const LIST_PAGE_SIZE = 500;
/** Server-side watch timeout, randomised in [1, 2) × this so many watches do not reconnect together. */
export const WATCH_TIMEOUT_SECONDS = 240;
/** A watch that receives nothing (no event, no bookmark) this long is presumed dead and re-opened. */
export const WATCH_IDLE_TIMEOUT_MS = 9 * 60_000;
export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 30_000;
/** A watch the server closes sooner than this counts as a failure (backoff), so a misbehaving server cannot spin us. */
export const MIN_HEALTHY_WATCH_MS = 1_000;

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * Whether resourceVersion `a` is newer than `b`. resourceVersions are opaque; etcd's are increasing integers, which
 * is all this is used for (a write-through cache never replacing a newer watched version). Unknown: not newer.
 */
function isNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}

export interface ReflectorOptions<T extends KubeObject> {
  client: KubeClient;
  resource: ResourceKind;
  namespace?: string;
  labelSelector?: string;
  onChange: (type: ChangeType, object: T, previous: T | undefined) => void;
  /** Called when a watch or list fails or restarts; `reason` is one word (gone, closed, error). */
  onRestart?: (reason: string, error?: Error) => void;
}

export class Reflector<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly abort = new AbortController();
  private resourceVersion: string | undefined;
  private loop: Promise<void> | undefined;
  private syncedResolve!: () => void;
  private readonly syncedPromise = new Promise<void>((resolve) => (this.syncedResolve = resolve));
  private hasSynced = false;

  constructor(private readonly options: ReflectorOptions<T>) {}

  /** Starts listing and watching in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once the first list has filled the cache. */
  waitForSync(): Promise<void> {
    return this.syncedPromise;
  }

  get synced(): boolean {
    return this.hasSynced;
  }

  /** The cached object at `namespace/name`. */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /**
   * Puts the object a write returned into the cache (write-through), unless the cache already holds a newer
   * version, so the next reconcile does not act on the state before its own write. The watch event that follows
   * replaces it with the same content.
   */
  remember(obj: T): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const current = this.cache.get(key);
    if (current && isNewer(current.metadata.resourceVersion, obj.metadata.resourceVersion)) return;
    this.cache.set(key, obj);
  }

  /** Every cached object. */
  list(): T[] {
    return [...this.cache.values()];
  }

  /** Ends the watch and the loop. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private get path(): string {
    return collectionPath(this.options.resource, this.options.namespace);
  }

  private async run(): Promise<void> {
    let failures = 0;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let end: WatchEnd;
      const started = performance.now();
      try {
        if (this.resourceVersion === undefined) await this.relist();
        end = await watchOnce(this.options.client, {
          path: this.path,
          resourceVersion: this.resourceVersion!,
          labelSelector: this.options.labelSelector,
          timeoutSeconds: Math.round(WATCH_TIMEOUT_SECONDS * (1 + Math.random())),
          idleTimeoutMs: WATCH_IDLE_TIMEOUT_MS,
          signal,
          onEvent: (event) => this.apply(event as WatchEvent<T>),
        });
      } catch (err) {
        end = { kind: 'error', error: err as Error };
      }
      if (end.kind === 'aborted') break;
      this.options.onRestart?.(end.kind, end.kind === 'error' ? end.error : undefined);
      if (end.kind === 'closed' && performance.now() - started >= MIN_HEALTHY_WATCH_MS) {
        failures = 0;
        continue;
      }
      if (end.kind === 'gone') this.resourceVersion = undefined;
      await sleep(backoffDelay(failures++, RETRY_BASE_MS, RETRY_MAX_MS), signal);
    }
  }

  private async relist(): Promise<void> {
    const fresh = new Map<string, T>();
    let continueToken: string | undefined;
    let rv: string | undefined;
    do {
      const page = await this.options.client.request<KubeList<T>>('GET', this.path, {
        query: { limit: LIST_PAGE_SIZE, continue: continueToken, labelSelector: this.options.labelSelector },
      });
      for (const item of page.items) fresh.set(objectKey(item.metadata.namespace, item.metadata.name), item);
      continueToken = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion;
    } while (continueToken);
    for (const [key, old] of this.cache) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.emit('DELETED', old, old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (!old) this.emit('ADDED', obj, undefined);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('MODIFIED', obj, old);
    }
    this.resourceVersion = rv;
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.syncedResolve();
    }
  }

  private apply(event: WatchEvent<T>): void {
    const obj = event.object;
    if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.cache.delete(key);
      this.emit('DELETED', obj, old);
    } else {
      this.cache.set(key, obj);
      this.emit(old ? 'MODIFIED' : 'ADDED', obj, old);
    }
  }

  private emit(type: ChangeType, obj: T, old: T | undefined): void {
    try {
      this.options.onChange(type, obj, old);
    } catch (err) {
      this.options.onRestart?.('handler', err as Error);
    }
  }
}
