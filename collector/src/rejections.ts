/**
 * Tally of the points a request lost and why: counts per reason (for the
 * self-metrics and OTLP partial_success) and the first few messages.
 */
import type { RejectReason } from './types.ts';

export class Rejections {
  total = 0;
  /** Points skipped on purpose (NO_RECORDED_VALUE): neither stored nor rejected. */
  skipped = 0;
  readonly byReason = new Map<RejectReason, number>();
  readonly messages: string[] = [];

  constructor(private readonly maxMessages: number) {}

  /** Count `points` rejected for `reason`; `message` (built lazily) is kept while there is room. */
  add(reason: RejectReason, points: number, message: () => string): void {
    if (points <= 0) return;
    this.total += points;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + points);
    if (this.messages.length < this.maxMessages) this.messages.push(message());
  }

  /** Add everything `other` counted. */
  merge(other: Rejections): void {
    this.total += other.total;
    this.skipped += other.skipped;
    for (const [reason, n] of other.byReason) this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + n);
    for (const m of other.messages) if (this.messages.length < this.maxMessages) this.messages.push(m);
  }
}
