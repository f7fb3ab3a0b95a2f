/**
 * A small REST client for the API server: authentication and TLS come from @kubernetes/client-node's
 * KubeConfig (kubeconfig files, in-cluster service account, exec plugins); requests reuse one keep-alive agent,
 * carry a timeout, and are counted per verb so a reconcile's API cost is measurable. Watches stream
 * newline-delimited JSON events (see `watch.ts`).
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors.ts';

/** Timeout of a non-watch request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Sockets kept open to the API server. */
export const MAX_SOCKETS = 32;
/** Largest response body read into memory (a list page of 500 objects fits easily). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
export const MUTATING_VERBS: ReadonlySet<Verb> = new Set(['create', 'update', 'patch', 'delete']);

/** Called after every request with its verb, resource (plural, `/status` appended) and HTTP status (0: no answer). */
export type RequestObserver = (verb: Verb, resource: string, status: number, seconds: number) => void;

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

export interface KubeClientOptions {
  requestTimeoutMs?: number;
  observer?: RequestObserver;
}

/** Verb and resource of a request, for metrics. */
export function describeRequest(
  method: string,
  path: string,
  query: RequestOptions['query'],
): { verb: Verb; resource: string } {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  // /api/v1/[namespaces/ns/]plural[/name[/sub]] or /apis/group/version/...
  let rest = parts[0] === 'api' ? parts.slice(2) : parts.slice(3);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const resource = rest.length >= 3 ? `${rest[0]}/${rest[2]}` : (rest[0] ?? 'unknown');
  const collection = rest.length === 1;
  const m = method.toUpperCase();
  const verb: Verb =
    m === 'GET'
      ? query?.watch
        ? 'watch'
        : collection
          ? 'list'
          : 'get'
      : m === 'POST'
        ? 'create'
        : m === 'PUT'
          ? 'update'
          : m === 'PATCH'
            ? 'patch'
            : 'delete';
  return { verb, resource };
}

export class KubeClient {
  private readonly server: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly options: KubeClientOptions = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig: no current cluster (set KUBECONFIG or run in a pod)');
    this.server = new URL(cluster.server);
    const Agent = this.server.protocol === 'http:' ? http.Agent : https.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Request options (URL, TLS material, auth headers) for `path`; used by requests and watches. */
  async connectionOptions(method: string, path: string, query: RequestOptions['query']): Promise<https.RequestOptions> {
    const url = new URL(this.server.href.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const opts: https.RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { Accept: 'application/json' },
      agent: this.agent,
    };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    return opts;
  }

  /** Transport for the server's scheme. */
  transport(): typeof https.request {
    return this.server.protocol === 'http:' ? (http.request as unknown as typeof https.request) : https.request;
  }

  /** Reports a request to the observer (watches report when they end). */
  observe(method: string, path: string, query: RequestOptions['query'], status: number, started: number): void {
    if (!this.options.observer) return;
    const { verb, resource } = describeRequest(method, path, query);
    this.options.observer(verb, resource, status, (performance.now() - started) / 1000);
  }

  /** One request; resolves with the parsed JSON body of a 2xx answer, rejects with a KubeApiError otherwise. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const started = performance.now();
    const opts = await this.connectionOptions(method, path, options.query);
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (payload)
      Object.assign(opts.headers!, {
        'Content-Type': options.contentType ?? 'application/json',
        'Content-Length': payload.length,
      });
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const fail = (status: number, reason: string, message: string, retryAfter?: number) => {
        this.observe(method, path, options.query, status, started);
        reject(new KubeApiError(method, path, status, reason, message, retryAfter));
      };
      const req = this.transport()(opts, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(0, 'ConnectionError', err.message));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          if (status >= 200 && status < 300) {
            this.observe(method, path, options.query, status, started);
            resolve(body as T);
            return;
          }
          const st = (body ?? {}) as { reason?: string; message?: string };
          const retryAfter = Number(res.headers['retry-after']);
          fail(
            status,
            st.reason ?? res.statusMessage ?? 'Error',
            st.message ?? text.slice(0, 500),
            Number.isFinite(retryAfter) ? retryAfter : undefined,
          );
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err) => fail(0, 'ConnectionError', err.message));
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** GET an object; undefined when it does not exist. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>('GET', path);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Server-side apply of `object` (its full intent) as `fieldManager`; `force` takes over conflicting fields. */
  apply<T>(path: string, object: unknown, fieldManager: string, force = true): Promise<T> {
    return this.request<T>('PATCH', path, {
      query: { fieldManager, force, fieldValidation: 'Strict' },
      body: object,
      contentType: 'application/apply-patch+yaml',
    });
  }

  /** DELETE an object with background propagation; resolves false when it was already gone. */
  async delete(path: string, precondition?: { uid?: string }): Promise<boolean> {
    try {
      await this.request('DELETE', path, {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: precondition },
      });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return false;
      throw err;
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
