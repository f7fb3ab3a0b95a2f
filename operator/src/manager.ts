/**
 * The operator's Manager, as controller-runtime's: it runs Runnables. Those that do not need leader election (the
 * caches, the resync) start at once; the others (the Controller) start when this replica leads — at once without
 * leader election. Losing the lead stops the manager (its Deployment restarts it as a candidate); a runnable that
 * fails stops it too. `stop` ends the leader runnables first (in-flight reconciles finish, up to a deadline), then
 * releases the lead, then ends the rest.
 */
import type { Logger } from '@hydra/logging';
import { sleep } from './time.ts';

export const DEFAULT_SHUTDOWN_MS = 20_000;

/** Something the manager runs: `start` resolves once it has stopped after `signal` aborted. */
export interface Runnable {
  readonly name: string;
  /** true: runs only while this replica leads (controllers); false: always (caches). */
  readonly needLeaderElection: boolean;
  start(signal: AbortSignal): Promise<void>;
}

/** A leader elector (a Lease's): calls back when this replica starts and stops leading. */
export interface Elector {
  start(): void;
  /** Stops campaigning; a leader releases the lead (and is called back as stopped). */
  stop(): Promise<void>;
}

export interface LeaderCallbacks {
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

export type StopReason = 'stopped' | 'lost-leadership' | 'runnable-failed';

export interface ManagerOptions {
  logger: Logger;
  /** Makes the elector; undefined: this replica leads at once (one replica, tests). */
  leaderElection?: (callbacks: LeaderCallbacks) => Elector;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
}

export class Manager {
  readonly #runnables: Runnable[] = [];
  readonly #running = new Map<Runnable, Running>();
  readonly #logger: Logger;
  readonly #leaderElection: ManagerOptions['leaderElection'];
  #elector: Elector | undefined;
  #leading = false;
  #started = false;
  #stopping: Promise<void> | undefined;
  #resolveDone!: (reason: StopReason) => void;
  /** Resolves when the manager has stopped, with why. */
  readonly done = new Promise<StopReason>((resolve) => (this.#resolveDone = resolve));

  constructor(options: ManagerOptions) {
    this.#logger = options.logger;
    this.#leaderElection = options.leaderElection;
  }

  /** Whether this replica leads (always, without leader election, once started). */
  get leading(): boolean {
    return this.#leading;
  }

  /** Adds a runnable; one added after start starts at once (when this replica leads, if it needs to). */
  add(runnable: Runnable): void {
    this.#runnables.push(runnable);
    if (this.#started && !this.#stopping && (!runnable.needLeaderElection || this.#leading)) this.#run(runnable);
  }

  /** Starts the runnables that need no lead, then campaigns (or leads at once). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const r of this.#runnables) if (!r.needLeaderElection) this.#run(r);
    if (!this.#leaderElection) {
      this.#startLeading();
      return;
    }
    this.#elector = this.#leaderElection({
      onStartedLeading: () => this.#startLeading(),
      onStoppedLeading: () => {
        const wasLeading = this.#leading;
        this.#leading = false;
        if (wasLeading && !this.#stopping) void this.stop(DEFAULT_SHUTDOWN_MS, 'lost-leadership');
      },
    });
    this.#elector.start();
  }

  /**
   * Stops: the leader runnables first (up to `deadlineMs`), then the elector (releasing the lead), then the rest.
   * Idempotent; resolves once everything stopped (or the deadline passed for the leader runnables).
   */
  stop(deadlineMs = DEFAULT_SHUTDOWN_MS, reason: StopReason = 'stopped'): Promise<void> {
    this.#stopping ??= (async () => {
      this.#logger.info({ reason }, 'stopping');
      const leaders = await this.#stopAll((r) => r.needLeaderElection, deadlineMs);
      if (!leaders)
        this.#logger.warn({ deadlineMs }, 'in-flight reconciles did not finish before the shutdown deadline');
      await this.#elector?.stop();
      this.#leading = false;
      await this.#stopAll((r) => !r.needLeaderElection);
      this.#resolveDone(reason);
    })();
    return this.#stopping;
  }

  #startLeading(): void {
    if (this.#leading || this.#stopping) return;
    this.#leading = true;
    for (const r of this.#runnables) if (r.needLeaderElection) this.#run(r);
  }

  #run(runnable: Runnable): void {
    if (this.#running.has(runnable)) return;
    const abort = new AbortController();
    const done = runnable.start(abort.signal).then(
      () => {
        if (!abort.signal.aborted) this.#logger.debug({ runnable: runnable.name }, 'runnable ended');
      },
      (err: unknown) => {
        this.#logger.error({ runnable: runnable.name, err }, `${runnable.name} failed; stopping`);
        if (!this.#stopping) void this.stop(DEFAULT_SHUTDOWN_MS, 'runnable-failed');
      },
    );
    this.#running.set(runnable, { abort, done });
  }

  /** Aborts the running runnables `which` picks and waits for them; false when the deadline passed first. */
  async #stopAll(which: (r: Runnable) => boolean, deadlineMs?: number): Promise<boolean> {
    const stopping = [...this.#running].filter(([r]) => which(r));
    for (const [, running] of stopping) running.abort.abort();
    const all = Promise.all(stopping.map(([, running]) => running.done)).then(() => true);
    for (const [r] of stopping) this.#running.delete(r);
    if (deadlineMs === undefined) return all;
    const abort = new AbortController();
    const inTime = await Promise.race([all, sleep(deadlineMs, abort.signal).then(() => false)]);
    abort.abort();
    return inTime;
  }
}
