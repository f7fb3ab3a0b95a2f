/**
 * A bounded number of async writes in flight: a producer (the seed
 * generator, the CSV reader) prepares the next batch while the writer
 * commits the previous ones, without ever holding more than `limit`.
 */
export class InFlightLimit {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`InFlightLimit: limit must be a positive integer, got ${limit}`);
  }

  /** Starts `task`, then waits while `limit` tasks run; throws the first failure of any task. */
  async add(task: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    const tracked: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    await this.settled();
    this.throwIfFailed();
  }

  /** Waits for every task, never throws (for `finally` blocks). */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
