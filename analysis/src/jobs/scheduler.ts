/**
 * Runs jobs in process on their cron schedules (what `hydra up` does instead
 * of Kubernetes CronJobs): croner computes the times (five-field cron or
 * macros, UTC); a job whose previous run is still going is skipped, as with a
 * CronJob's `concurrencyPolicy: Forbid`; different jobs run one at a time
 * (they share the process's database pool and, on a 2-core machine, its CPU).
 * Failures are reported, never thrown:
 * the next run is a fresh attempt (the jobs are safe to rerun).
 *
 * A Lifecycle (@hydra/schema): shutdown(deadlineMs) stops the timers, aborts and awaits runs in progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Cron } from 'croner';
import { metrics } from '@opentelemetry/api';
import type { Lifecycle } from '@hydra/schema';
import { defaultLogger, type Logger } from '@hydra/logging';

/** Time zone of the schedules (CronJobs default to the controller's, which is UTC in practice). */
export const SCHEDULE_TIME_ZONE = 'UTC';
/** Most jobs one scheduler runs. */
export const MAX_SCHEDULED_JOBS = 1_000;

/** Runs of a schedule looked at to find its period (a day of a `*\/5` schedule, ~8 months of an hourly one). */
const PERIOD_SAMPLE_RUNS = 288;

/**
 * The longest time between consecutive runs of a cron schedule (UTC), in ms: how long what a run sends must
 * stay valid until the next run can renew it (`0 * * * *` → 1 h; `0 9,17 * * *` → 16 h). Throws on a schedule
 * croner does not take.
 */
export function schedulePeriodMs(schedule: string): number {
  const runs = new Cron(schedule, { paused: true, timezone: SCHEDULE_TIME_ZONE }).nextRuns(PERIOD_SAMPLE_RUNS);
  let longest = 0;
  for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]!.getTime() - runs[i - 1]!.getTime());
  return longest;
}

export interface ScheduledJob {
  /** unique, e.g. `anomaly default/cpu` */
  name: string;
  /** five-field cron expression or macro (`*\/5 * * * *`, `@hourly`) */
  schedule: string;
  /** wait this long after the scheduled time before running (e.g. for the last bucket to settle) */
  delayMs?: number;
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerOptions {
  jobs: readonly ScheduledJob[];
  /**
   * A failed run is logged at error, a run skipped because the previous one of the same job still runs at warn
   * (both with `job`); default defaultLogger('analysis')
   */
  logger?: Logger;
}

export class JobScheduler implements Lifecycle {
  readonly #jobs: readonly ScheduledJob[];
  readonly #logger: Logger;
  readonly #crons: Cron[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();
  readonly #runs = metrics.getMeter('hydra').createCounter('hydra.jobs.runs', {
    description: 'In-process job runs, by job kind and outcome',
  });
  /** Runs of different jobs queue here, one at a time. */
  #lane: Promise<void> = Promise.resolve();
  #started = false;
  #stopped = false;

  /** @throws RangeError naming the job whose schedule does not parse, or a duplicate name */
  constructor(options: SchedulerOptions) {
    if (options.jobs.length > MAX_SCHEDULED_JOBS)
      throw new RangeError(`JobScheduler: at most ${MAX_SCHEDULED_JOBS} jobs, got ${options.jobs.length}`);
    const names = new Set<string>();
    for (const job of options.jobs) {
      if (names.has(job.name)) throw new RangeError(`JobScheduler: two jobs are named '${job.name}'`);
      names.add(job.name);
      try {
        new Cron(job.schedule, { paused: true, timezone: SCHEDULE_TIME_ZONE }).stop();
      } catch (err) {
        throw new RangeError(
          `job '${job.name}': schedule '${job.schedule}' is not a cron expression: ${(err as Error).message}`,
        );
      }
    }
    this.#jobs = options.jobs;
    this.#logger = options.logger ?? defaultLogger('analysis');
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    for (const job of this.#jobs) {
      this.#crons.push(new Cron(job.schedule, { timezone: SCHEDULE_TIME_ZONE }, () => this.trigger(job.name)));
    }
  }

  /** Starts a run of `name` now unless one is in progress; resolves when that run ends. */
  trigger(name: string): Promise<void> {
    const job = this.#jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new RangeError(`JobScheduler: no job named '${name}'`));
    const running = this.#running.get(name);
    if (running) {
      this.#logger.warn({ job: name }, `${name}: skipped, the previous run is still going`);
      this.#runs.add(1, { kind: kindOf(name), outcome: 'skipped' });
      return running;
    }
    if (this.#stopped) return Promise.resolve();
    const signal = this.#abort.signal;
    const run = (job.delayMs ? sleep(job.delayMs, undefined, { signal }) : Promise.resolve())
      .then(() => this.#inLane(() => (signal.aborted ? Promise.resolve() : job.run(signal))))
      .then(() => this.#runs.add(1, { kind: kindOf(name), outcome: 'success' }))
      .catch((err: unknown) => {
        // A run cut short by shutdown is not a failure: the next start reruns it (jobs are safe to rerun).
        if (signal.aborted) {
          this.#runs.add(1, { kind: kindOf(name), outcome: 'aborted' });
          return;
        }
        this.#runs.add(1, { kind: kindOf(name), outcome: 'failure' });
        this.#logger.error({ job: name, err }, `${name}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => this.#running.delete(name));
    this.#running.set(name, run);
    return run;
  }

  /** Runs `fn` after every run queued before it has ended. */
  #inLane(fn: () => Promise<void>): Promise<void> {
    const result = this.#lane.then(fn);
    this.#lane = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** When `name` runs next, or null. */
  nextRun(name: string): Date | null {
    const i = this.#jobs.findIndex((j) => j.name === name);
    return this.#crons[i]?.nextRun() ?? null;
  }

  async shutdown(deadlineMs = 10_000): Promise<void> {
    this.#stopped = true;
    for (const cron of this.#crons) cron.stop();
    this.#abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#running.values()),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

function kindOf(name: string): string {
  return name.split(' ')[0] ?? name;
}
