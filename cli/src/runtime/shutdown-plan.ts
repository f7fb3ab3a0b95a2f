/**
 * The shutdown order of `hydra up`, whatever order its parts started in:
 * producers first (the demo, then every way data comes in), then the writer
 * that flushes what was acknowledged, then readers, then the database.
 *
 * A service joining `hydra up` adds its part here, in the place its
 * dependencies require, and registers its stop function with `set`.
 */
import type { ShutdownStep } from './lifecycle.ts';

export const UP_SHUTDOWN_ORDER = [
  'demo',
  'analysis',
  'dashboard',
  'collector',
  'writer',
  'api',
  'forecast workers',
  'maintenance',
  'database',
  'embedded PostgreSQL',
  'telemetry',
] as const;

export type UpPart = (typeof UP_SHUTDOWN_ORDER)[number];

export class ShutdownPlan {
  private readonly steps = new Map<UpPart, ShutdownStep['run']>();

  /** Registers (or replaces) the stop function of `part`. */
  set(part: UpPart, run: ShutdownStep['run']): void {
    this.steps.set(part, run);
  }

  /** The registered steps in UP_SHUTDOWN_ORDER. */
  ordered(): ShutdownStep[] {
    return UP_SHUTDOWN_ORDER.flatMap((name) => {
      const run = this.steps.get(name);
      return run ? [{ name, run }] : [];
    });
  }
}
