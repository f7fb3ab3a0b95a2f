/**
 * Logging during an outage: when storage (or the token verifier) is down,
 * every request is refused with a retryable 503 — hundreds a second under
 * load. Logging each at error level buried everything else (700 lines in
 * 20 s). OutageLog logs the change of state (the first refusal, with its
 * cause), then at most one line per OUTAGE_SUMMARY_INTERVAL_MS with the
 * number and rate of refusals, and one line when requests succeed again.
 * The per-request count is in `hydra_collector_requests{status="503"}`.
 */

import type { Logger } from '@hydra/logging';

/** Longest gap between two "still refusing" lines while an outage lasts. */
export const OUTAGE_SUMMARY_INTERVAL_MS = 10_000;

export class OutageLog {
  #since: number | null = null;
  #refused = 0;
  #refusedSinceLine = 0;
  #lastLineAt = 0;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Whether requests are being refused right now. */
  get active(): boolean {
    return this.#since !== null;
  }

  /** A request refused with a retryable 503 (`code`: storage_unavailable, auth_unavailable, shutting_down). */
  refused(log: Logger, err: unknown, code: string): void {
    const t = this.#now();
    this.#refused++;
    if (this.#since === null) {
      this.#since = t;
      this.#lastLineAt = t;
      this.#refusedSinceLine = 0;
      log.error(
        { err, code },
        `${code}: refusing requests with 503 + Retry-After until it recovers (a summary every ${OUTAGE_SUMMARY_INTERVAL_MS / 1000} s while it lasts)`,
      );
      return;
    }
    this.#refusedSinceLine++;
    const elapsed = t - this.#lastLineAt;
    if (elapsed < OUTAGE_SUMMARY_INTERVAL_MS) return;
    log.error(
      {
        err,
        code,
        refused: this.#refusedSinceLine,
        perSecond: Math.round((this.#refusedSinceLine / elapsed) * 1000 * 10) / 10,
        refusedTotal: this.#refused,
        outageSeconds: Math.round((t - this.#since) / 1000),
      },
      `${code}: still refusing: ${this.#refusedSinceLine} requests in the last ${Math.round(elapsed / 1000)} s`,
    );
    this.#lastLineAt = t;
    this.#refusedSinceLine = 0;
  }

  /** A request answered without a 5xx: ends an outage, with one line that says how long it lasted. */
  accepted(log: Logger): void {
    if (this.#since === null) return;
    const seconds = Math.round((this.#now() - this.#since) / 1000);
    log.warn(
      { refusedTotal: this.#refused, outageSeconds: seconds },
      `requests succeed again after ${seconds} s; ${this.#refused} were refused meanwhile`,
    );
    this.#since = null;
    this.#refused = 0;
    this.#refusedSinceLine = 0;
  }
}

/** Logs a failed request: a retryable 503 through the OutageLog, any other 5xx at error level with its cause. */
export function logFailure(
  outage: OutageLog,
  log: Logger,
  mapped: { status: number; error: string },
  err: unknown,
  message: string,
): void {
  if (mapped.status === 503) outage.refused(log, err, mapped.error);
  else if (mapped.status >= 500) log.error({ err }, message);
}
