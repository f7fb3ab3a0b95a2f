/**
 * The composition of `hydra up`: every part started in dependency order,
 * each registering how it stops in the ShutdownPlan (which stops them in
 * UP_SHUTDOWN_ORDER) and, when it serves something, a line of the banner.
 *
 * A service joining `hydra up` starts here after what it needs (the
 * database, the pipeline, the API…), calls `plan.set(part, stop)` and adds
 * its `BannerLine`.
 */
import { Maintenance } from '@hydra/storage';
import { externalUrlOf, type HydraConfig } from '../config.ts';
import { loggerFor, type Logger } from '../log.ts';
import { loadMonitors } from '../monitors.ts';
import { startTelemetry } from '../telemetry.ts';
import { ensureDashboardBundle } from './dashboard-bundle.ts';
import { startDashboardService } from './dashboard.ts';
import { runDemoUntilAborted } from './demo.ts';
import { runShutdown } from './lifecycle.ts';
import { startAnalysis } from './analysis.ts';
import { closeProcessForecastPool, forecastJobs } from './forecast-jobs.ts';
import { createPipeline } from './pipeline.ts';
import { authFor, scrapeAuthenticator, startApiService, startCollectorService, VERSION } from './services.ts';
import { ShutdownPlan } from './shutdown-plan.ts';
import { openStorage } from './storage.ts';

export interface BannerLine {
  label: string;
  url: string;
  note?: string;
}

export interface RunningUp {
  /** what is running where, for the start-up banner */
  summary: string;
  banner: BannerLine[];
  /** Stops every part in UP_SHUTDOWN_ORDER; resolves with the exit code. */
  shutdown(): Promise<number>;
}

/** Starts everything; on a failure stops what had started and rethrows. */
export async function startUp(config: HydraConfig, log: Logger, options: { demo: boolean }): Promise<RunningUp> {
  const plan = new ShutdownPlan();
  const banner: BannerLine[] = [];
  const abortDemo = new AbortController();
  try {
    // hydra.yaml is validated before anything starts: a bad monitor stops `hydra up` at once.
    const monitors = await loadMonitors(config.monitorsFile, { optional: true });
    const auth = authFor(config);
    const scrapeAuth = scrapeAuthenticator(auth);
    const telemetry = await startTelemetry({
      host: config.host,
      port: config.metricsPort,
      component: 'up',
      version: VERSION,
      ...(scrapeAuth ? { authenticate: scrapeAuth } : {}),
    });
    plan.set('telemetry', () => telemetry.shutdown());
    // Built (when missing or stale) while the database opens; the dashboard serves it when ready.
    const dashboardBundle = ensureDashboardBundle(log);
    dashboardBundle.catch(() => undefined); // reported by the dashboard server, which shows the error page
    const storage = await openStorage(config, { component: 'up', migrate: true, logger: log });
    plan.set('embedded PostgreSQL', () => storage.embedded?.stop() ?? Promise.resolve());
    plan.set('database', () => storage.db.close());
    const maintenance = new Maintenance(storage.db, { logger: log });
    maintenance.start();
    plan.set('maintenance', () => maintenance.shutdown());
    const pipeline = createPipeline(storage.db, config);
    plan.set('writer', (ms) => pipeline.shutdown(ms));
    const collector = await startCollectorService(pipeline.ingestor, config, auth);
    plan.set('collector', () => collector.shutdown());
    const api = await startApiService({ db: storage.db, ingestor: pipeline.ingestor, auth, config, monitors });
    plan.set('api', () => api.close());
    plan.set('forecast workers', () => closeProcessForecastPool());
    const forecastJobNames: string[] = [];
    const own: { dashboardUrl?: string } = {};
    // The scheduled passes log as `job`, like the CronJobs' `hydra job`: one query finds both.
    const jobLog = loggerFor('job', config);
    const analysis = startAnalysis({
      db: storage.db,
      monitors,
      log: jobLog,
      // alert links: HYDRA_EXTERNAL_URL, else this process's dashboard once it listens
      externalUrl: () => externalUrlOf(config, own.dashboardUrl),
      extraJobs: (alerts) => {
        const jobs = forecastJobs(storage.db, alerts, monitors, jobLog);
        forecastJobNames.push(...jobs.map((j) => j.name));
        return jobs;
      },
    });
    plan.set('analysis', (ms) => analysis.shutdown(ms));
    // Forecasts run hourly; the first pass runs once the history is in (after the demo's seed), not an hour later,
    // and after a maintenance pass, which brings seeded history into the rollups the forecasts read.
    const forecastNow = (): void => {
      maintenance
        // not runOnce(): a pass already running began before the seed was in, and would leave it out of the rollups
        .runFresh()
        .then(() => Promise.all(forecastJobNames.map((name) => analysis.scheduler.trigger(name))))
        .catch((err: unknown) => jobLog.error({ err }, `first forecast pass: ${(err as Error).message}`));
    };
    if (!options.demo) forecastNow();
    const dashboard = await startDashboardService({
      config,
      apiUrl: api.url,
      bundle: dashboardBundle,
      log: loggerFor('dashboard', config),
    });
    plan.set('dashboard', () => dashboard.close());
    own.dashboardUrl = dashboard.url;

    banner.push(
      { label: 'dashboard', url: dashboard.url },
      { label: 'API', url: api.url, note: `e.g. ${api.url}/metrics?name=system.cpu.utilization&host=web-1` },
      { label: 'API docs', url: `${api.url}/docs` },
      {
        label: 'alerts',
        url: `${api.url}/alerts`,
        note:
          monitors.length > 0
            ? `(${monitors.length} monitors from ${config.monitorsFile})`
            : `(no monitors: ${config.monitorsFile} not found)`,
      },
      { label: 'OTLP/HTTP', url: `${collector.httpUrl}/v1/metrics` },
      { label: 'OTLP/gRPC', url: collector.grpcAddress },
      { label: 'exports', url: telemetry.url, note: '(Prometheus text format)' },
    );
    if (options.demo) {
      const demo = runDemoUntilAborted({
        config,
        db: storage.db,
        ingestor: pipeline.ingestor,
        otlpHttpUrl: collector.httpUrl,
        ingestToken: auth.ingestToken ?? null,
        authOn: auth.mode === 'on',
        log: loggerFor('demo', config),
        abort: abortDemo.signal,
        onHistoryReady: forecastNow,
      });
      plan.set('demo', async () => {
        abortDemo.abort();
        await demo;
      });
    }
    const database = storage.embedded ? `embedded PGlite in ${config.embeddedDataDir}` : 'DATABASE_URL';
    return {
      summary: `hydra ${VERSION} is up (storage: ${database}, mode ${storage.db.mode}, auth ${auth.mode})`,
      banner,
      shutdown: () => runShutdown(plan.ordered(), log),
    };
  } catch (err) {
    abortDemo.abort();
    await runShutdown(plan.ordered(), log);
    throw err;
  }
}

/** The banner as printed: one aligned line per service. */
export function formatBanner(up: RunningUp): string {
  const width = Math.max(...up.banner.map((b) => b.label.length)) + 2;
  const urlWidth = Math.max(...up.banner.map((b) => b.url.length)) + 2;
  const lines = up.banner.map((b) => `  ${b.label.padEnd(width)}${b.note ? b.url.padEnd(urlWidth) + b.note : b.url}`);
  return ['', up.summary, ...lines, 'Ctrl-C to stop.', ''].join('\n');
}
