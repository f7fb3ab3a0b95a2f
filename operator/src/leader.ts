/**
 * Leader election through a coordination.k8s.io/v1 Lease, as client-go's leaderelection does: a candidate takes
 * the Lease when it is free or its holder has not renewed it for `leaseDurationSeconds` (measured on the local
 * clock from when this candidate last saw the record change, so clock skew between nodes does not matter); the
 * leader renews every `retryPeriodMs` and steps down when it could not renew for `renewDeadlineMs`. Updates carry
 * the resourceVersion, so two candidates can never both win. On stop, the leader releases the Lease.
 */
import type { KubeClient } from './kube/client.ts';
import { KubeApiError } from './kube/errors.ts';
import { LEASE, collectionPath, objectPath } from './kube/kinds.ts';
import type { Logger } from '@hydra/logging';
import { sleep } from './time.ts';

export const DEFAULT_LEASE_DURATION_SECONDS = 15;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

const microTime = (d: Date) => d.toISOString().replace('Z', '000Z');

export class LeaderElector {
  private readonly abort = new AbortController();
  private leading = false;
  private observedRecord = '';
  private observedAt = 0;
  private loop: Promise<void> | undefined;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;

  constructor(private readonly o: LeaderElectionOptions) {
    this.leaseDurationMs = (o.leaseDurationSeconds ?? DEFAULT_LEASE_DURATION_SECONDS) * 1000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? DEFAULT_RENEW_DEADLINE_MS;
    this.retryPeriodMs = o.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the Lease so another candidate takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (this.leading) {
      this.leading = false;
      await this.release();
      this.o.onStoppedLeading();
    }
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let lastRenew = 0;
    while (!signal.aborted) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (err) {
        this.o.logger.warn({ lease: `${this.o.namespace}/${this.o.name}`, err }, 'lease update failed');
      }
      const now = performance.now();
      if (ok) {
        lastRenew = now;
        if (!this.leading) {
          this.leading = true;
          this.o.logger.info(
            { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity },
            'became leader',
          );
          this.o.onStartedLeading();
        }
      } else if (this.leading && now - lastRenew > this.renewDeadlineMs) {
        this.leading = false;
        this.o.logger.error(
          { lease: `${this.o.namespace}/${this.o.name}` },
          'lost leadership: could not renew the lease in time',
        );
        this.o.onStoppedLeading();
      }
      await sleep(this.retryPeriodMs, signal);
    }
  }

  private path(): string {
    return objectPath(LEASE, this.o.namespace, this.o.name);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const lease = await this.o.client.get<Lease>(this.path());
    const durationSeconds = Math.round(this.leaseDurationMs / 1000);
    if (!lease) {
      const fresh: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.name, namespace: this.o.namespace },
        spec: {
          holderIdentity: this.o.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      };
      return this.write('POST', collectionPath(LEASE, this.o.namespace), fresh);
    }
    const record = JSON.stringify([lease.spec.holderIdentity, lease.spec.renewTime]);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = performance.now();
    }
    const holder = lease.spec.holderIdentity ?? '';
    const heldByUs = holder === this.o.identity;
    const expired = performance.now() - this.observedAt > (lease.spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (!heldByUs && holder !== '' && !expired) return false;
    const spec = heldByUs
      ? { ...lease.spec, renewTime: microTime(now), leaseDurationSeconds: durationSeconds }
      : {
          holderIdentity: this.o.identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1,
        };
    return this.write('PUT', this.path(), { ...lease, spec });
  }

  /** Create or update with the resourceVersion precondition; a 409 means another candidate won this round. */
  private async write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<boolean> {
    try {
      const written = await this.o.client.request<Lease>(method, path, { body: lease });
      this.observedRecord = JSON.stringify([written.spec.holderIdentity, written.spec.renewTime]);
      this.observedAt = performance.now();
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return false;
      throw err;
    }
  }

  private async release(): Promise<void> {
    try {
      const lease = await this.o.client.get<Lease>(this.path());
      if (!lease || lease.spec.holderIdentity !== this.o.identity) return;
      const spec = { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(new Date()) };
      await this.o.client.request('PUT', this.path(), { body: { ...lease, spec } });
      this.o.logger.info({ lease: `${this.o.namespace}/${this.o.name}` }, 'released the lease');
    } catch (err) {
      this.o.logger.warn({ err }, 'could not release the lease; another replica takes over when it expires');
    }
  }
}
