/**
 * Kubernetes Events on HydraMonitors (shown by `kubectl describe`): Warning on reconcile failures, Normal when a
 * new generation is applied. Identical events (object, reason, message) within `DEDUPE_WINDOW_MS` are sent once;
 * the memory of recent events is bounded.
 */
import type { KubeClient } from './kube/client.ts';
import { EVENT, HYDRA_MONITOR, collectionPath } from './kube/kinds.ts';
import type { KubeObject } from './kube/types.ts';
import type { Logger } from '@hydra/logging';

export const DEDUPE_WINDOW_MS = 10 * 60_000;
export const MAX_REMEMBERED_EVENTS = 4096;
export const EVENT_SOURCE = 'hydra-operator';
/** Longest message sent (the API server caps it at 1 KiB for events.k8s.io). */
export const MAX_EVENT_MESSAGE = 1024;

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly client: KubeClient,
    private readonly identity: string,
    private readonly log: Logger,
    private readonly onSuppressed: () => void,
  ) {}

  /** Records an event on `object`; never throws (a failure to record is logged). */
  async record(object: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const meta = object.metadata;
    const key = `${meta.uid}/${reason}/${message}`;
    const now = Date.now();
    const last = this.recent.get(key);
    if (last !== undefined && now - last < DEDUPE_WINDOW_MS) {
      this.onSuppressed();
      return;
    }
    this.recent.delete(key);
    this.recent.set(key, now);
    if (this.recent.size > MAX_REMEMBERED_EVENTS) this.recent.delete(this.recent.keys().next().value as string);
    const time = new Date(now).toISOString();
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${meta.name}.`, namespace: meta.namespace },
      involvedObject: {
        apiVersion: object.apiVersion ?? HYDRA_MONITOR.apiVersion,
        kind: object.kind ?? HYDRA_MONITOR.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, MAX_EVENT_MESSAGE),
      source: { component: EVENT_SOURCE },
      reportingComponent: EVENT_SOURCE,
      reportingInstance: this.identity,
      action: 'Reconcile',
      firstTimestamp: time,
      lastTimestamp: time,
      count: 1,
    };
    try {
      await this.client.request('POST', collectionPath(EVENT, meta.namespace), { body: event });
    } catch (err) {
      this.recent.delete(key);
      this.log.warn({ monitor: `${meta.namespace}/${meta.name}`, reason, err }, 'could not record event');
    }
  }
}
