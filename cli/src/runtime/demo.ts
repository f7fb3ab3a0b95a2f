/**
 * The demo inside `hydra up`: seed an empty database, then run the live
 * workload (OpenTelemetry SDK → the collector) until aborted.
 */
import type { Ingestor } from '@hydra/collector';
import type { Database } from '@hydra/storage';
import type { HydraConfig } from '../config.ts';
import { DEMO_SEED } from '../demo/hosts.ts';
import { describeSeed, seedIfEmpty } from '../demo/seed-history.ts';
import { startDemoWorkload } from '../demo/workload.ts';
import type { Logger } from '../log.ts';

export interface DemoContext {
  config: HydraConfig;
  db: Database;
  ingestor: Ingestor;
  otlpHttpUrl: string;
  /** sent by the exporters when authentication is on */
  ingestToken: string | null;
  authOn: boolean;
  log: Logger;
  abort: AbortSignal;
  /** called once the history is in (seeded, or already there), before the live workload starts */
  onHistoryReady?: () => void;
}

/**
 * Seeds an empty database, then runs the live workload until `abort`.
 * Resolves after the workload has flushed; never rejects (failures are logged).
 */
export async function runDemoUntilAborted(ctx: DemoContext): Promise<void> {
  try {
    await runDemo(ctx);
  } catch (err) {
    ctx.log.error({ err }, `demo workload failed: ${(err as Error).message}`);
  }
}

async function runDemo(ctx: DemoContext): Promise<void> {
  const { log } = ctx;
  if (ctx.authOn && !ctx.ingestToken) {
    log.warn(
      'demo workload not started: authentication is on and HYDRA_INGEST_TOKEN is not set (the demo exporters need it)',
    );
    return;
  }
  if (ctx.config.seedDays > 0) {
    log.info(`seeding ${ctx.config.seedDays} day(s) of demo history if the database is empty…`);
    try {
      // caught up to the end of the seed: the live workload starts where the history stops
      const seeded = await seedIfEmpty(ctx.db, ctx.ingestor, {
        days: ctx.config.seedDays,
        signal: ctx.abort,
        catchUp: true,
      });
      log.info(seeded ? describeSeed(seeded) : 'the database already holds metrics: history not seeded');
    } catch (err) {
      if (ctx.abort.aborted) return;
      log.error(
        { err },
        `demo history could not be seeded (the live workload starts anyway): ${(err as Error).message}`,
      );
    }
  }
  if (ctx.abort.aborted) return;
  ctx.onHistoryReady?.();
  const workload = startDemoWorkload({
    otlpHttpUrl: ctx.otlpHttpUrl,
    seed: DEMO_SEED,
    ...(ctx.ingestToken ? { headers: { Authorization: `Bearer ${ctx.ingestToken}` } } : {}),
    logger: log,
  });
  log.info('demo workload started: web-1…web-4 export every 5 s over OTLP/HTTP');
  await new Promise<void>((resolve) => ctx.abort.addEventListener('abort', () => resolve(), { once: true }));
  await workload.shutdown();
}
