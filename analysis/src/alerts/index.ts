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
export {
  NotificationDispatcher,
  backoffMs,
  DEFAULT_RESEND_INTERVAL_MS,
  DEFAULT_MAX_ATTEMPTS,
  type DispatcherOptions,
  type DispatchReport,
  type SecretResolver,
} from './dispatcher.ts';
export { toAlertmanagerAlert, alertmanagerLabelName, type AlertmanagerAlert } from './notifiers/alertmanager.ts';
export { signBody, SIGNATURE_HEADER, DELIVERY_HEADER, type WebhookBody } from './notifiers/webhook.ts';
