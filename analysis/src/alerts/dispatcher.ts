/**
 * Delivers the notification outbox: claims due rows under a lease, sends each
 * with a bounded number in flight, and records the outcome — delivered; a
 * retry after an exponential backoff with jitter; or, after the last attempt
 * (or a permanent refusal), a dead-letter record. It also re-queues firing
 * alerts for Alertmanager every resend interval. Scoring never waits for it:
 * jobs only write outbox rows.
 *
 * A Lifecycle (@hydra/schema), plus `runOnce()` for tests and one-shot CLI runs.
 */
import { metrics } from '@opentelemetry/api';
import type { Lifecycle } from '@hydra/schema';
import { defaultLogger, type Logger } from '@hydra/logging';
import {
  claimDueNotifications,
  claimFiringForResend,
  countFiring,
  enqueueNotifications,
  withTransaction,
  recordAttempt,
  type Database,
  type OutboxRecord,
} from '@hydra/storage';
import { monitorLabels } from '../exports/labels.ts';
import { sendToAlertmanager, toAlertmanagerAlert } from './notifiers/alertmanager.ts';
import { DeliveryError, DEFAULT_NOTIFY_TIMEOUT_MS } from './notifiers/http.ts';
import { sendWebhook } from './notifiers/webhook.ts';
import type { AlertService } from './service.ts';
import type { AlertSnapshot } from './targets.ts';

export const DEFAULT_POLL_INTERVAL_MS = 1_000;
export const DEFAULT_BATCH_SIZE = 50;
/** A claimed row is another dispatcher's to retry after this (a dispatcher that died mid-send). */
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_BACKOFF_BASE_MS = 2_000;
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;
/** Alertmanager re-send interval of firing alerts (Prometheus' resend delay is 1 minute). */
export const DEFAULT_RESEND_INTERVAL_MS = 60_000;
/** Sends in flight at once. */
export const DEFAULT_CONCURRENCY = 4;

/** Resolves a webhook `secretRef` (`<secret>/<key>`) to the secret; undefined when unknown. */
export type SecretResolver = (ref: string) => string | undefined;

export interface DispatcherOptions {
  db: Database;
  alerts: AlertService;
  secrets?: SecretResolver;
  /** epoch ms; default the AlertService's clock */
  clock?: () => number;
  /** link to the alert in hydra's dashboard, for Alertmanager's generatorURL (see alertUrl in @hydra/schema) */
  alertUrl?: (alertId: number) => string;
  /**
   * Time between two runs of the job that evaluates an alert (its monitor's anomaly or forecast schedule):
   * a firing alert sent to Alertmanager stays valid for 4 × max(resendIntervalMs, this), so it outlives the
   * wait for the next run when only that run re-sends it (a CronJob's `hydra job`). Undefined: the re-send
   * interval alone.
   */
  evaluationIntervalMs?: (alert: AlertSnapshot) => number | undefined;
  pollIntervalMs?: number;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  resendIntervalMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** where loop failures are logged (the loop itself keeps going); default defaultLogger('analysis') */
  logger?: Logger;
}

export interface DispatchReport {
  resent: number;
  delivered: number;
  retried: number;
  dead: number;
  suppressed: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`DispatcherOptions.${name}: must be > 0, got ${value}`);
  return value;
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export class NotificationDispatcher implements Lifecycle {
  readonly #o: Required<Omit<DispatcherOptions, 'secrets' | 'alertUrl' | 'evaluationIntervalMs'>> &
    Pick<DispatcherOptions, 'secrets' | 'alertUrl' | 'evaluationIntervalMs'>;
  readonly #outcomes = metrics.getMeter('hydra').createCounter('hydra.alerts.notifications', {
    description: 'Notification delivery attempts, by notifier and outcome',
  });
  #firing = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#o = {
      ...options,
      clock: options.clock ?? (() => options.alerts.now()),
      logger: options.logger ?? defaultLogger('analysis'),
      pollIntervalMs: positive('pollIntervalMs', options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS),
      batchSize: positive('batchSize', options.batchSize ?? DEFAULT_BATCH_SIZE),
      leaseMs: positive('leaseMs', options.leaseMs ?? DEFAULT_LEASE_MS),
      maxAttempts: positive('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      backoffBaseMs: positive('backoffBaseMs', options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS),
      backoffMaxMs: positive('backoffMaxMs', options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS),
      resendIntervalMs: positive('resendIntervalMs', options.resendIntervalMs ?? DEFAULT_RESEND_INTERVAL_MS),
      timeoutMs: positive('timeoutMs', options.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS),
      concurrency: positive('concurrency', options.concurrency ?? DEFAULT_CONCURRENCY),
    };
    metrics
      .getMeter('hydra')
      .createObservableGauge('hydra.alerts.firing', { description: 'Firing alerts, by monitor and its namespace' })
      .addCallback((result) => {
        for (const [monitor, n] of this.#firing) result.observe(n, monitorLabels(monitor));
      });
  }

  /** Polls the outbox every `pollIntervalMs` until shutdown. */
  start(): void {
    if (this.#stopped || this.#timer || this.#running) return;
    this.#schedule(0);
  }

  /** Stops polling and waits (up to `deadlineMs`) for the pass in progress; idempotent. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#running,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timer);
    }
  }

  /** One pass: re-queue firing alerts due for Alertmanager, then deliver what is due. */
  async runOnce(): Promise<DispatchReport> {
    const now = this.#o.clock();
    const report: DispatchReport = { resent: 0, delivered: 0, retried: 0, dead: 0, suppressed: 0 };
    report.resent = await this.#resendFiring(now);
    const due = await claimDueNotifications(this.#o.db, now, this.#o.batchSize, this.#o.leaseMs);
    for (let i = 0; i < due.length; i += this.#o.concurrency) {
      const slice = due.slice(i, i + this.#o.concurrency);
      const outcomes = await Promise.all(slice.map((n) => this.#deliver(n, now)));
      for (const outcome of outcomes) report[outcome] += 1;
    }
    this.#firing = await countFiring(this.#o.db);
    return report;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.#o.logger.error({ err }, `notification dispatcher: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => {
          this.#running = null;
          if (!this.#stopped) this.#schedule(this.#o.pollIntervalMs);
        });
    }, delayMs);
  }

  async #resendFiring(now: number): Promise<number> {
    return withTransaction(this.#o.db, 'resend firing alerts', async (client) => {
      const firing = await claimFiringForResend(client, now, now - this.#o.resendIntervalMs, this.#o.batchSize);
      let queued = 0;
      for (const alert of firing) {
        if (alert.silencedBy !== null) continue;
        const rows = this.#o.alerts.notificationsFor(alert, now, 'alertmanager');
        await enqueueNotifications(client, rows);
        queued += rows.length;
      }
      return queued;
    });
  }

  async #deliver(n: OutboxRecord, now: number): Promise<'delivered' | 'retried' | 'dead' | 'suppressed'> {
    const alert = n.payload as unknown as AlertSnapshot;
    const attempts = n.attempts + 1;
    if (alert.state === 'firing') {
      const silence = await this.#o.alerts.matchingSilence(
        this.#o.db,
        { ...alert.labels, severity: alert.severity },
        now,
      );
      if (silence) {
        await recordAttempt(this.#o.db, n.id, {
          state: 'suppressed',
          atMs: now,
          error: `silenced by silence ${silence.id}`,
        });
        this.#outcomes.add(1, { notifier: n.notifier, outcome: 'suppressed' });
        return 'suppressed';
      }
    }
    try {
      await this.#send(n, alert, now);
      await recordAttempt(this.#o.db, n.id, { state: 'delivered', attempts, atMs: now });
      this.#outcomes.add(1, { notifier: n.notifier, outcome: 'delivered' });
      return 'delivered';
    } catch (err) {
      const message = (err as Error).message;
      const retryable = !(err instanceof DeliveryError) || err.retryable;
      if (!retryable || attempts >= this.#o.maxAttempts) {
        const why = retryable ? `gave up after ${attempts} attempts: ${message}` : `refused: ${message}`;
        await recordAttempt(this.#o.db, n.id, { state: 'dead', attempts, atMs: now, error: why });
        this.#outcomes.add(1, { notifier: n.notifier, outcome: 'dead' });
        return 'dead';
      }
      const next = now + backoffMs(attempts, this.#o.backoffBaseMs, this.#o.backoffMaxMs);
      await recordAttempt(this.#o.db, n.id, { state: 'pending', attempts, nextAttemptMs: next, error: message });
      this.#outcomes.add(1, { notifier: n.notifier, outcome: 'retry' });
      return 'retried';
    }
  }

  async #send(n: OutboxRecord, alert: AlertSnapshot, now: number): Promise<void> {
    if (n.notifier === 'alertmanager') {
      const generatorUrl = this.#o.alertUrl?.(alert.id) ?? '';
      const evaluationIntervalMs = this.#o.evaluationIntervalMs?.(alert);
      const form = toAlertmanagerAlert(alert, {
        nowMs: now,
        resendIntervalMs: this.#o.resendIntervalMs,
        generatorUrl,
        ...(evaluationIntervalMs === undefined ? {} : { evaluationIntervalMs }),
      });
      await sendToAlertmanager(n.target, [form], this.#o.timeoutMs);
      return;
    }
    let secret: string | undefined;
    if (n.secretRef !== null) {
      secret = this.#o.secrets?.(n.secretRef);
      if (secret === undefined) {
        throw new DeliveryError(`webhook secret '${n.secretRef}' is not configured (see docs/alerts.md)`, true);
      }
    }
    await sendWebhook(n.target, { id: n.id, alert, nowMs: now, secret }, this.#o.timeoutMs);
  }
}
