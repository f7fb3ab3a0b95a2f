/**
 * Process lifecycle of the long-running commands: wait for SIGINT/SIGTERM,
 * then run the shutdown steps in order under one deadline, so Ctrl-C stops
 * intake, flushes what was acknowledged, and exits.
 */
import type { Logger } from '@hydra/logging';

/** How long a graceful shutdown may take before the process gives up and exits 1. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

export interface ShutdownStep {
  name: string;
  /** receives the time left of the overall deadline */
  run(remainingMs: number): Promise<void>;
}

/** Resolves with the signal's name at the first SIGINT or SIGTERM. */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/**
 * Runs `steps` in order; a failing step is reported and the rest still run.
 * Returns the exit code: 0 when every step finished in time, 1 otherwise.
 */
export async function runShutdown(
  steps: ShutdownStep[],
  logger: Logger,
  deadlineMs = SHUTDOWN_DEADLINE_MS,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let code = 0;
  for (const step of steps) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      logger.error(`shutdown: deadline of ${deadlineMs} ms passed before '${step.name}'`);
      return 1;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), remaining);
    });
    try {
      const outcome = await Promise.race([step.run(remaining).then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') {
        logger.error(`shutdown: '${step.name}' did not finish within the ${deadlineMs} ms deadline`);
        return 1;
      }
    } catch (err) {
      logger.error(`shutdown: '${step.name}' failed: ${(err as Error).message}`);
      code = 1;
    } finally {
      clearTimeout(timer);
    }
  }
  return code;
}
