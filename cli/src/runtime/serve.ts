/**
 * The frame of the single-service commands (`hydra collector`, `hydra api`):
 * self-telemetry, authentication, the database and the ingest pipeline are
 * set up the same way; the command starts its server on top; SIGINT/SIGTERM
 * then stops everything in reverse order under one deadline.
 */
import type { AuthConfig } from '@hydra/api';
import { loadConfig, type HydraConfig } from '../config.ts';
import { loggerFor, type Logger } from '../log.ts';
import { startTelemetry, type Telemetry } from '../telemetry.ts';
import { runShutdown, waitForSignal, type ShutdownStep } from './lifecycle.ts';
import { closeProcessForecastPool } from './forecast-jobs.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';
import { authFor, scrapeAuthenticator, VERSION } from './services.ts';
import { openStorage, type OpenedStorage } from './storage.ts';

export interface ServiceContext {
  config: HydraConfig;
  log: Logger;
  auth: AuthConfig;
  telemetry: Telemetry;
  storage: OpenedStorage;
  pipeline: Pipeline;
}

export interface StartedService {
  name: string;
  /** stops the server: no new requests, in-flight ones finish */
  stop(): Promise<void>;
  /** the line logged once it is up (URLs) */
  banner: string;
}

/** Runs `start` inside the frame until a signal; returns the exit code. */
export async function serve(
  component: string,
  /** protectExports: the exports port needs a metrics:scrape token when authentication is on. */
  options: { migrate: boolean; protectExports?: boolean },
  start: (ctx: ServiceContext) => Promise<StartedService>,
): Promise<number> {
  const config = loadConfig();
  const log = loggerFor(component, config);
  const signal = waitForSignal();
  // Stopped in reverse order of start: the server first, the exporter last.
  const steps: ShutdownStep[] = [];
  try {
    // a collector deployed by the operator holds the ingest token only (no JWT secret)
    const auth = authFor(config, component === 'collector');
    const scrapeAuth = options.protectExports ? scrapeAuthenticator(auth) : undefined;
    const telemetry = await startTelemetry({
      host: config.host,
      port: config.metricsPort,
      component,
      version: VERSION,
      ...(scrapeAuth ? { authenticate: scrapeAuth } : {}),
    });
    steps.unshift({ name: 'telemetry', run: () => telemetry.shutdown() });
    const storage = await openStorage(config, { component, migrate: options.migrate, logger: log });
    steps.unshift({ name: 'database', run: () => storage.close() });
    const pipeline = createPipeline(storage.db, config);
    steps.unshift({ name: 'ingest pipeline', run: (ms) => pipeline.shutdown(ms) });
    const service = await start({ config, log, auth, telemetry, storage, pipeline });
    steps.unshift({ name: 'forecast workers', run: () => closeProcessForecastPool() });
    steps.unshift({ name: service.name, run: () => service.stop() });
    log.info(`${service.banner}, self-metrics ${telemetry.url} (auth ${auth.mode})`);
  } catch (err) {
    await runShutdown(steps, log);
    throw err;
  }
  log.info(`${await signal}: shutting down (send it again to stop at once)`);
  const code = await runShutdown(steps, log);
  log.info(code === 0 ? 'stopped' : 'stopped with errors');
  return code;
}
