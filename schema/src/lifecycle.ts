/**
 * The contract of hydra's long-running components (the batch writer, the job scheduler, the notification
 * dispatcher), as the OpenTelemetry Collector's `component.Component`: constructing one validates its options and
 * starts nothing; `start()` begins its background work; `shutdown(deadlineMs)` stops intake, finishes or aborts what
 * it holds, and resolves by the deadline. The process that owns them starts them in order and shuts them down in
 * reverse.
 */
export interface Lifecycle {
  /** Begins the background work (timers, loops). Called once, after construction. */
  start(): void;
  /**
   * Stops intake, then flushes or aborts what the component holds, resolving within `deadlineMs` (each component
   * names its default). Idempotent (a second call returns the first call's promise) and safe without start().
   */
  shutdown(deadlineMs?: number): Promise<void>;
}
