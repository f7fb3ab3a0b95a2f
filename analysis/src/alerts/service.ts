/**
 * The AlertService: turns conditions (anomalous points, forecast threshold
 * crossings, anything else) into alerts with a fingerprint, severity and
 * state (pending → firing → resolved), de-duplicated per fingerprint, with
 * hysteresis, acknowledgement, silences and an explanation; persisted in
 * PostgreSQL with its history. Notifications go to the durable outbox in the
 * same transaction as the state change, so a notifier that is down never
 * blocks an evaluation or loses an alert.
 *
 * Entry points:
 * - `observeAnomalies` — the anomaly job: a series' scored points, in time order;
 * - `raise` / `resolve` — any other kind (the forecast job uses kind 'forecast_threshold');
 * - `acknowledge`, silences — the API.
 */
import { metrics } from '@opentelemetry/api';
import { ANOMALY_CLEAR_THRESHOLD, ANOMALY_THRESHOLD } from '@hydra/analytics';
import {
  appendAlertEvent,
  enqueueNotifications,
  expireSilence,
  hasOpenAlert,
  openAlertFingerprints,
  withTransaction,
  insertAlert,
  insertSilence,
  latestAlert,
  listSilences,
  lockAlert,
  lockOpenAlert,
  updateAlert,
  type AlertRecord,
  type AlertSeverity,
  type Database,
  type LabelMatcher,
  type NewNotification,
  type Queryable,
  type SilenceRecord,
} from '@hydra/storage';
import { alertLabels, fingerprint } from './fingerprint.ts';
import { matchesAll } from './silence-match.ts';
import {
  advance,
  validatePolicy,
  type AlertPolicy,
  type EpisodeState,
  type Evaluation,
  type Transition,
} from './state-machine.ts';
import { snapshot, type NotifierTarget, type TargetResolver } from './targets.ts';
import { HOST_LABEL } from '@hydra/schema';

/** Score above which an anomaly alert fires (the detectors' ANOMALY_THRESHOLD). */
export const DEFAULT_FIRE_THRESHOLD = ANOMALY_THRESHOLD;
/** Score below which an evaluation counts towards resolving (hysteresis; the detectors' ANOMALY_CLEAR_THRESHOLD). */
export const DEFAULT_RESOLVE_THRESHOLD = ANOMALY_CLEAR_THRESHOLD;
/** Consecutive evaluations below the resolve threshold before an anomaly alert resolves. */
export const DEFAULT_RESOLVE_AFTER = 3;
/** Silences considered per evaluation; more active silences than this is a misconfiguration. */
export const MAX_ACTIVE_SILENCES = 1_000;
/** Longest summary kept. */
export const MAX_SUMMARY_LENGTH = 1_024;

/** One scored point of a series. NaN score = missing value (neither fires nor clears). */
export interface AnomalyObservation {
  /** epoch ms */
  time: number;
  value: number;
  score: number;
  expected: number;
  lower: number;
  upper: number;
}

export interface AnomalyAlertPolicy extends AlertPolicy {
  fireThreshold: number;
  resolveThreshold: number;
}

export interface ObserveAnomaliesInput {
  monitor: string;
  seriesId: number;
  metric: string;
  unit?: string;
  /** what of the metric was scored when not its value or rate, e.g. 'p95' of a histogram; named in the summary */
  statistic?: string;
  labels: Record<string, string>;
  detector: string;
  severity: AlertSeverity;
  policy: AnomalyAlertPolicy;
  /** time-ordered */
  observations: readonly AnomalyObservation[];
}

/** The identity of a generic alert: `kind` (e.g. 'forecast_threshold'), its monitor and labels. */
export interface AlertIdentity {
  kind: string;
  monitor: string;
  /** identifying labels, e.g. the series labels plus `threshold` */
  labels: Record<string, string>;
  /** the metric, stored as the `__name__` label */
  metric?: string;
  seriesId?: number | null;
}

export interface RaiseInput extends AlertIdentity {
  /** epoch ms of the evaluation */
  time: number;
  severity: AlertSeverity;
  summary: string;
  explanation: Record<string, unknown>;
  /** how long the condition must hold before the alert fires; default 0 (fires at once) */
  forMs?: number;
}

export interface ResolveInput extends AlertIdentity {
  time: number;
  /** consecutive resolve calls needed; default 1 (resolves at once) */
  resolveAfter?: number;
}

export interface AlertServiceOptions {
  db: Database;
  /** notification targets of a monitor; none when omitted */
  targets?: TargetResolver;
  /** epoch ms; injectable for tests */
  clock?: () => number;
}

interface Identity {
  kind: string;
  monitor: string;
  labels: Record<string, string>;
  fingerprint: string;
  seriesId: number | null;
}

export class AlertService {
  readonly #db: Database;
  readonly #targets: TargetResolver;
  readonly #clock: () => number;
  readonly #transitions = metrics.getMeter('hydra').createCounter('hydra.alerts.transitions', {
    description: 'Alert state changes, by new state and kind',
  });

  constructor(options: AlertServiceOptions) {
    this.#db = options.db;
    this.#targets = options.targets ?? (() => []);
    this.#clock = options.clock ?? Date.now;
  }

  /** Current time of the service's clock (epoch ms). */
  now(): number {
    return this.#clock();
  }

  /**
   * Feeds a series' scored points to its anomaly alert (fingerprint: monitor +
   * series labels + kind 'anomaly'). Points scoring above `fireThreshold` fire,
   * below `resolveThreshold` clear, between hold. Returns the episode as it is
   * afterwards (null when none is open and nothing fired).
   */
  async observeAnomalies(input: ObserveAnomaliesInput): Promise<AlertRecord | null> {
    const prepared = this.#anomalyEvaluations(input);
    if (!prepared) return null;
    return this.#evaluate(prepared.identity, prepared.evaluations, input.policy);
  }

  /**
   * `observeAnomalies` for many series at once (the anomaly job's page): which of them have an open alert is
   * asked in one statement, so series with nothing firing and nothing open cost no round trip; the others are
   * evaluated one by one as observeAnomalies does.
   */
  async observeAnomaliesMany(inputs: readonly ObserveAnomaliesInput[]): Promise<void> {
    const prepared = inputs.flatMap((input) => {
      const p = this.#anomalyEvaluations(input);
      return p ? [{ ...p, policy: input.policy }] : [];
    });
    const quiet = prepared.filter((p) => !p.evaluations.some((e) => e.level === 'fire'));
    const open = await openAlertFingerprints(
      this.#db,
      quiet.map((p) => p.identity.fingerprint),
    );
    for (const p of prepared) {
      const fires = p.evaluations.some((e) => e.level === 'fire');
      if (!fires && !open.has(p.identity.fingerprint)) continue;
      await this.#evaluate(p.identity, p.evaluations, p.policy);
    }
  }

  /** The identity and evaluations of a series' scored points (null when none counts: all NaN). */
  #anomalyEvaluations(input: ObserveAnomaliesInput): { identity: Identity; evaluations: Evaluation[] } | null {
    const { policy } = input;
    validatePolicy(policy);
    if (!(policy.resolveThreshold <= policy.fireThreshold))
      throw new RangeError(
        `AnomalyAlertPolicy.resolveThreshold: must not exceed fireThreshold (${policy.fireThreshold}), got ${policy.resolveThreshold}`,
      );
    const labels = alertLabels({ kind: 'anomaly', monitor: input.monitor, metric: input.metric, labels: input.labels });
    const identity: Identity = {
      kind: 'anomaly',
      monitor: input.monitor,
      labels,
      fingerprint: fingerprint('anomaly', input.monitor, labels),
      seriesId: input.seriesId,
    };
    const evaluations: Evaluation[] = [];
    for (const o of input.observations) {
      if (Number.isNaN(o.score)) continue;
      const level = o.score > policy.fireThreshold ? 'fire' : o.score < policy.resolveThreshold ? 'clear' : 'hold';
      evaluations.push({
        time: o.time,
        level,
        severity: input.severity,
        summary: anomalySummary(input, o),
        explanation: {
          metric: input.metric,
          unit: input.unit ?? '',
          ...(input.statistic ? { statistic: input.statistic } : {}),
          labels: input.labels,
          detector: input.detector,
          observed: finite(o.value),
          expected: finite(o.expected),
          lower: finite(o.lower),
          upper: finite(o.upper),
          score: finite(o.score),
          direction: directionOf(o),
          at: new Date(o.time).toISOString(),
        },
      });
    }
    return evaluations.length === 0 ? null : { identity, evaluations };
  }

  /**
   * Reports that a condition holds at `input.time`: opens an alert (pending,
   * or firing at once when `forMs` is 0), or updates the open one (same
   * fingerprint = same alert: de-duplication). Returns the alert.
   */
  async raise(input: RaiseInput): Promise<AlertRecord> {
    const identity = this.#identity(input);
    const policy = validatePolicy({ forMs: input.forMs ?? 0, resolveAfter: 1 });
    const alert = await this.#evaluate(
      identity,
      [
        {
          time: input.time,
          level: 'fire',
          severity: input.severity,
          summary: input.summary,
          explanation: input.explanation,
        },
      ],
      policy,
    );
    if (!alert) throw new Error(`AlertService.raise: no alert was opened for ${identity.fingerprint}`);
    return alert;
  }

  /**
   * Reports that a condition no longer holds: resolves the open alert of that
   * identity after `resolveAfter` consecutive calls (default 1). Returns the
   * alert as it is afterwards, or null when none was open.
   */
  async resolve(input: ResolveInput): Promise<AlertRecord | null> {
    const identity = this.#identity(input);
    const policy = validatePolicy({ forMs: 0, resolveAfter: input.resolveAfter ?? 1 });
    return this.#evaluate(
      identity,
      [{ time: input.time, level: 'clear', severity: 'info', summary: '', explanation: {} }],
      policy,
    );
  }

  /** Acknowledges alert `id`; returns it, or null when there is no such alert. */
  async acknowledge(id: number, by: string, comment: string): Promise<AlertRecord | null> {
    const now = this.#clock();
    return withTransaction(this.#db, 'acknowledge alert', async (client) => {
      const alert = await lockAlert(client, id);
      if (!alert) return null;
      const updated = await updateAlert(client, id, { acknowledgedAt: now, acknowledgedBy: by, ackComment: comment });
      await appendAlertEvent(client, id, {
        time: now,
        event: 'acknowledged',
        message: `acknowledged by ${by}${comment ? `: ${comment}` : ''}`,
        details: { by, comment },
      });
      return updated;
    });
  }

  /** Creates a silence; throws a RangeError naming the field when the window is empty. */
  async createSilence(s: {
    matchers: LabelMatcher[];
    startsAt: number;
    endsAt: number;
    createdBy: string;
    comment: string;
  }): Promise<SilenceRecord> {
    if (!(s.endsAt > s.startsAt)) throw new RangeError('endsAt: must be after startsAt');
    if (s.matchers.length === 0) throw new RangeError('matchers: at least one matcher is needed');
    return insertSilence(this.#db, { ...s, nowMs: this.#clock() });
  }

  /** Expires silence `id` now; null when it does not exist. */
  expireSilence(id: number): Promise<SilenceRecord | null> {
    return expireSilence(this.#db, id, this.#clock());
  }

  /** The silence active at `atMs` that matches `labels` (plus severity), if any. */
  async matchingSilence(
    client: Queryable | Database,
    labels: Record<string, string>,
    atMs: number,
  ): Promise<SilenceRecord | null> {
    const active = await listSilences(client, { activeAtMs: atMs, limit: MAX_ACTIVE_SILENCES, offset: 0 });
    return active.find((s) => matchesAll(s.matchers, labels)) ?? null;
  }

  /** Notifications for `alert` to every target of its monitor (or only those of one notifier kind). */
  notificationsFor(alert: AlertRecord, nowMs: number, only?: NotifierTarget['kind']): NewNotification[] {
    const payload = snapshot(alert) as unknown as Record<string, unknown>;
    return this.#targets(alert.monitor)
      .filter((t) => only === undefined || t.kind === only)
      .map((t) => ({
        alertId: alert.id,
        notifier: t.kind,
        target: t.url,
        secretRef: t.kind === 'webhook' ? (t.secretRef ?? null) : null,
        payload,
        nowMs,
      }));
  }

  #identity(input: AlertIdentity): Identity {
    if (!input.kind) throw new RangeError('kind: must be a non-empty alert kind');
    if (!input.monitor) throw new RangeError('monitor: must be a non-empty monitor name');
    const labels = alertLabels({
      kind: input.kind,
      monitor: input.monitor,
      metric: input.metric,
      labels: input.labels,
    });
    return {
      kind: input.kind,
      monitor: input.monitor,
      labels,
      fingerprint: fingerprint(input.kind, input.monitor, labels),
      seriesId: input.seriesId ?? null,
    };
  }

  async #evaluate(
    identity: Identity,
    evaluations: readonly Evaluation[],
    policy: AlertPolicy,
  ): Promise<AlertRecord | null> {
    const anyFire = evaluations.some((e) => e.level === 'fire');
    if (!anyFire) {
      // Fast path: nothing fires, so only an open episode can change.
      if (!(await hasOpenAlert(this.#db, identity.fingerprint))) return null;
    }
    return withTransaction(this.#db, 'evaluate alert', async (client) => {
      let stored = await lockOpenAlert(client, identity.fingerprint);
      let episode: EpisodeState | null = stored ? episodeOf(stored) : null;
      const transitions: Array<{ transition: Transition; time: number; episode: EpisodeState }> = [];
      for (const e of evaluations) {
        const step = advance(episode, e, policy);
        if (step.transition && step.episode)
          transitions.push({ transition: step.transition, time: e.time, episode: step.episode });
        episode = step.episode;
        if (episode?.state === 'resolved') {
          // The episode is over: persist it, a later evaluation may open a new one.
          stored = await this.#persist(client, identity, stored, episode, transitions.splice(0));
          episode = null;
          stored = null;
        }
      }
      if (episode) stored = await this.#persist(client, identity, stored, episode, transitions.splice(0));
      return stored ?? (await latestAlert(client, identity.fingerprint));
    });
  }

  async #persist(
    client: Queryable,
    identity: Identity,
    stored: AlertRecord | null,
    episode: EpisodeState,
    transitions: Array<{ transition: Transition; time: number; episode: EpisodeState }>,
  ): Promise<AlertRecord> {
    const summary = episode.summary.slice(0, MAX_SUMMARY_LENGTH);
    let alert: AlertRecord | null;
    if (stored) {
      alert = await updateAlert(client, stored.id, {
        state: episode.state,
        severity: episode.severity,
        summary,
        explanation: episode.explanation,
        firedAt: episode.firedAt,
        resolvedAt: episode.resolvedAt,
        lastEvaluatedAt: episode.lastEvaluatedAt,
        clearCount: episode.clearCount,
      });
    } else {
      alert = await insertAlert(client, {
        fingerprint: identity.fingerprint,
        kind: identity.kind,
        monitor: identity.monitor,
        severity: episode.severity,
        state: episode.state,
        labels: identity.labels,
        seriesId: identity.seriesId,
        summary,
        explanation: episode.explanation,
        startedAt: episode.startedAt,
        firedAt: episode.firedAt,
        resolvedAt: episode.resolvedAt,
        lastEvaluatedAt: episode.lastEvaluatedAt,
        clearCount: episode.clearCount,
        silencedBy: null,
      });
      if (!alert) {
        // Another writer opened this fingerprint concurrently: evaluate on top of theirs next time.
        const theirs = await lockOpenAlert(client, identity.fingerprint);
        if (!theirs) throw new Error(`alert ${identity.fingerprint}: insert conflicted but no open alert exists`);
        return theirs;
      }
    }
    for (const t of transitions) alert = await this.#onTransition(client, alert, t.transition, t.time, t.episode);
    return alert;
  }

  async #onTransition(
    client: Queryable,
    alert: AlertRecord,
    transition: Transition,
    time: number,
    episode: EpisodeState,
  ): Promise<AlertRecord> {
    this.#transitions.add(1, { state: transition, kind: alert.kind });
    const message =
      transition === 'pending'
        ? `pending: ${episode.summary}`
        : transition === 'firing'
          ? `firing: ${episode.summary}`
          : 'resolved: the condition cleared';
    await appendAlertEvent(client, alert.id, { time, event: transition, message, details: episode.explanation });
    const labelsForSilence = { ...alert.labels, severity: alert.severity };
    if (transition === 'firing') {
      const silence = await this.matchingSilence(client, labelsForSilence, time);
      if (silence) {
        await appendAlertEvent(client, alert.id, {
          time,
          event: 'silenced',
          message: `not notified: silenced by silence ${silence.id} (${silence.comment})`,
          details: { silenceId: silence.id },
        });
        return updateAlert(client, alert.id, { silencedBy: silence.id, notifiedAt: time });
      }
      const notified = await updateAlert(client, alert.id, { silencedBy: null, notifiedAt: time });
      await enqueueNotifications(client, this.notificationsFor({ ...notified, state: 'firing' }, time));
      return notified;
    }
    if (transition === 'resolved' && alert.firedAt !== null && alert.silencedBy === null) {
      await enqueueNotifications(client, this.notificationsFor(alert, time));
    }
    return alert;
  }
}

function episodeOf(a: AlertRecord): EpisodeState {
  return {
    state: a.state,
    severity: a.severity,
    summary: a.summary,
    explanation: a.explanation,
    startedAt: a.startedAt,
    firedAt: a.firedAt,
    resolvedAt: a.resolvedAt,
    lastEvaluatedAt: a.lastEvaluatedAt,
    clearCount: a.clearCount,
  };
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function fmt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/**
 * Where the point lies: `above` or `below` the band, or `level` when it is
 * inside the band yet scored anomalous (a detector that scores the recent
 * level, such as level-shift or the ensemble, saw the level move).
 */
function directionOf(o: AnomalyObservation): 'above' | 'below' | 'level' {
  if (o.value > o.upper) return 'above';
  if (o.value < o.lower) return 'below';
  return 'level';
}

function anomalySummary(input: ObserveAnomaliesInput, o: AnomalyObservation): string {
  const host = input.labels[HOST_LABEL];
  const where = `${input.statistic ? ` ${input.statistic}` : ''}${host ? ` on ${host}` : ''}`;
  const unit = input.unit && input.unit !== '1' ? ` ${input.unit}` : '';
  const band = `band ${fmt(o.lower)}–${fmt(o.upper)}`;
  const score = `anomaly score ${fmt(o.score)} (${input.detector})`;
  const direction = directionOf(o);
  if (direction === 'level') {
    return (
      `${input.metric}${where}: its recent level moved away from the expected ${fmt(o.expected)}${unit} ` +
      `(last value ${fmt(o.value)}${unit}, ${band}); ${score}`
    );
  }
  return `${input.metric}${where} is ${fmt(o.value)}${unit}, ${direction} the expected ${fmt(o.expected)}${unit} (${band}); ${score}`;
}
