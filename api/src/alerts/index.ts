/** Alerts: the AlertService, its state machine, notifiers and the outbox dispatcher. */
export {
  AlertService,
  DEFAULT_FIRE_THRESHOLD,
  DEFAULT_RESOLVE_THRESHOLD,
  DEFAULT_RESOLVE_AFTER,
  type AlertIdentity,
  type AlertServiceOptions,
  type AnomalyAlertPolicy,
  type AnomalyObservation,
  type ObserveAnomaliesInput,
  type RaiseInput,
  type ResolveInput,
} from './service.ts';
export {
  advance,
  validatePolicy,
  type AlertPolicy,
  type EpisodeState,
  type Evaluation,
  type Level,
} from './state-machine.ts';
export { alertLabels, fingerprint, ALERT_NAMES } from './fingerprint.ts';
export { matchesAll } from './silence-match.ts';
export { snapshot, type AlertSnapshot, type NotifierTarget, type TargetResolver } from './targets.ts';
