/**
 * `hydra job anomaly --monitor NAME [--shard i/n]`: one pass of a monitor's
 * anomaly job — what the Kubernetes CronJob runs and what `hydra up` runs on
 * the monitor's schedule. Prints the pass's report as JSON on stdout, then
 * delivers the notifications it queued (one dispatcher pass; what cannot be
 * delivered stays in the outbox for the next one). Safe to rerun.
 */
import { NotificationDispatcher, parseShard, runAnomalyJob, runForecastJob } from '@hydra/analysis';
import { parseCommandArgs, UsageError } from '../args.ts';
import { externalUrlOf, loadConfig } from '../config.ts';
import { loggerFor, passLogger } from '../log.ts';
import { alertServiceFor, dispatcherOptions, findMonitor, jobMonitors, MONITOR_SPEC_ENV } from '../monitors.ts';
import { openStorage } from '../runtime/storage.ts';
import { anomalyPassFields, describeReport } from '../runtime/analysis.ts';
import { describeForecastReport, forecastPassFields, poolRunner } from '../runtime/forecast-jobs.ts';
import { ForecastPool } from '../forecast-pool.ts';

import { JOB_KINDS, type JobKind } from './job-kinds.ts';

const USAGE = `usage: hydra job anomaly|forecast --monitor NAME [--shard i/n] [--file FILE] [--no-dispatch]

Runs one pass of the monitor's anomaly job: scores every series the monitor
selects from its checkpoint to now (with warm-up history), stores the scores,
expected values and bands, and hands anomalies to the AlertService. A pass
that dies part-way is safe to rerun.

The forecast job forecasts every series the monitor selects (its model,
horizon and level; the history window on a grid of at most 1,000 points),
stores the forecasts with model and fit quality (the latest per series), and
raises or resolves a forecast_threshold alert per threshold ("reaches 0.9 in
5h 20m"). Pages of more than a few series are forecast on worker threads.

options:
  --monitor NAME   the monitor (name or namespace/name) in the monitors file
  --shard i/n      score only the series of shard i of n (by a stable hash of the series id)
  --file FILE      the monitors file (default: the spec in HYDRA_MONITOR_SPEC, as the operator's
                   CronJobs set it, else HYDRA_MONITORS, hydra.yaml)
  --no-dispatch    do not deliver the queued notifications at the end
  -h, --help       show this help`;

export async function run(argv: string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h') {
    console.log(USAGE);
    return kind === undefined ? 2 : 0;
  }
  if (!(JOB_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`unknown job '${kind}' (known: ${JOB_KINDS.join(', ')})\n\n${USAGE}`);
  }
  const args = parseCommandArgs(rest, {
    usage: USAGE,
    options: {
      monitor: { type: 'string' },
      shard: { type: 'string' },
      file: { type: 'string' },
      'no-dispatch': { type: 'boolean' },
    },
  });
  if (!args) return 0;
  if (!args.monitor) throw new UsageError(`--monitor is required\n\n${USAGE}`);
  let shard;
  try {
    shard = args.shard === undefined ? undefined : parseShard(args.shard);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const config = loadConfig();
  const log = loggerFor('job', config);
  const monitors = await jobMonitors(args.monitor, args.file, config.monitorsFile);
  const source = args.file ?? (process.env[MONITOR_SPEC_ENV] ? MONITOR_SPEC_ENV : config.monitorsFile);
  const monitor = findMonitor(monitors, args.monitor, source);
  if (!monitor.spec[kind as JobKind].enabled) throw new Error(`monitor ${monitor.key}: spec.${kind}.enabled is false`);
  // Every line of the pass names the monitor and the job's kind.
  const passLog = passLogger(log, monitor, kind as JobKind);
  const storage = await openStorage(config, { component: 'job', migrate: true, logger: passLog });
  try {
    const alerts = alertServiceFor(storage.db, monitors);
    const options = { db: storage.db, alerts, monitor, logger: passLog, ...(shard ? { shard } : {}) };
    if (kind === 'forecast') {
      // one pass: a pool for it, gone after it
      const pool = new ForecastPool();
      const report = await runForecastJob({ ...options, runner: poolRunner(pool) }).finally(() => pool.close());
      passLog.info(forecastPassFields(report), describeForecastReport(report));
      console.log(JSON.stringify(report));
    } else {
      const report = await runAnomalyJob(options);
      passLog.info(anomalyPassFields(report), describeReport(report));
      console.log(JSON.stringify(report));
    }
    if (!args['no-dispatch']) {
      const dispatch = await new NotificationDispatcher({
        db: storage.db,
        alerts,
        ...dispatcherOptions(monitors, () => externalUrlOf(config)),
      }).runOnce();
      passLog.info(
        { notifications: dispatch },
        `notifications: ${dispatch.delivered} delivered, ${dispatch.retried} to retry, ${dispatch.dead} dead, ` +
          `${dispatch.suppressed} silenced, ${dispatch.resent} re-sent to Alertmanager`,
      );
    }
    return 0;
  } finally {
    await storage.close();
  }
}
