/**
 * One watch request: streams newline-delimited JSON events until the server ends the watch, the connection
 * fails, nothing (not even a bookmark) arrives for `idleTimeoutMs` (a half-open TCP connection), or the caller
 * aborts. Resolves with how it ended; `410 Gone` (HTTP or an in-stream ERROR event) is reported as `gone`.
 */
import { createInterface } from 'node:readline';
import type { KubeClient } from './client.ts';
import type { WatchEvent } from './types.ts';

export type WatchEnd = { kind: 'closed' } | { kind: 'gone' } | { kind: 'aborted' } | { kind: 'error'; error: Error };

export interface WatchRequest {
  path: string;
  resourceVersion: string;
  labelSelector?: string;
  timeoutSeconds: number;
  idleTimeoutMs: number;
  signal: AbortSignal;
  onEvent: (event: WatchEvent<unknown>) => void;
}

/** Largest single event line accepted (an object is at most ~1.5 MiB in etcd). */
export const MAX_EVENT_BYTES = 4 * 1024 * 1024;

export async function watchOnce(client: KubeClient, w: WatchRequest): Promise<WatchEnd> {
  const query = {
    watch: true,
    resourceVersion: w.resourceVersion,
    allowWatchBookmarks: true,
    timeoutSeconds: w.timeoutSeconds,
    labelSelector: w.labelSelector,
  };
  const started = performance.now();
  const opts = await client.connectionOptions('GET', w.path, query);
  return new Promise<WatchEnd>((resolve) => {
    let ended = false;
    let status = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (end: WatchEnd) => {
      if (ended) return;
      ended = true;
      clearTimeout(idle);
      w.signal.removeEventListener('abort', onAbort);
      client.observe('GET', w.path, query, status, started);
      req.destroy();
      resolve(end);
    };
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          finish({ kind: 'error', error: new Error(`watch ${w.path}: nothing received for ${w.idleTimeoutMs} ms`) }),
        w.idleTimeoutMs,
      );
    };
    const onAbort = () => finish({ kind: 'aborted' });
    w.signal.addEventListener('abort', onAbort, { once: true });
    const req = client.transport()(opts, (res) => {
      status = res.statusCode ?? 0;
      if (status === 410) return finish({ kind: 'gone' });
      if (status !== 200) {
        res.resume();
        return finish({
          kind: 'error',
          error: new Error(`watch ${w.path}: HTTP ${status} ${res.statusMessage ?? ''}`),
        });
      }
      touch();
      res.on('data', touch);
      res.on('error', (error) => finish({ kind: 'error', error }));
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      // readline re-emits the response's errors (e.g. `aborted` when we close the watch): handle them here too.
      lines.on('error', (error) => finish({ kind: 'error', error }));
      lines.on('line', (line) => {
        if (line.length === 0 || ended) return;
        if (line.length > MAX_EVENT_BYTES)
          return finish({
            kind: 'error',
            error: new Error(`watch ${w.path}: event larger than ${MAX_EVENT_BYTES} bytes`),
          });
        let event: WatchEvent<unknown>;
        try {
          event = JSON.parse(line) as WatchEvent<unknown>;
        } catch (err) {
          return finish({
            kind: 'error',
            error: new Error(`watch ${w.path}: undecodable event: ${(err as Error).message}`),
          });
        }
        if (event.type === 'ERROR') {
          const st = event.object as { code?: number; message?: string };
          return finish(
            st.code === 410
              ? { kind: 'gone' }
              : { kind: 'error', error: new Error(`watch ${w.path}: ${st.code} ${st.message ?? ''}`) },
          );
        }
        w.onEvent(event);
      });
      lines.on('close', () => finish({ kind: 'closed' }));
    });
    req.on('error', (error) => finish(w.signal.aborted ? { kind: 'aborted' } : { kind: 'error', error }));
    req.end();
  });
}
