/**
 * A monitor as the jobs use it: its key (`namespace/name`, the `monitor`
 * label of its alerts and the key of its scores), its validated spec, and
 * what follows from the spec (durations in ms, detector options, notifier
 * targets, series matchers).
 */
import { parseDuration, type HydraMonitor, type HydraMonitorSpec } from '@hydra/schema';
import type { DetectorOptions } from '@hydra/analytics';
import type { LabelMatcher } from '@hydra/storage';
import type { NotifierTarget } from '../alerts/targets.ts';

/** The resource attribute that names a workload's namespace (OTel semantic conventions). */
export const NAMESPACE_LABEL = 'k8s.namespace.name';

export interface MonitorRef {
  /** `namespace/name` */
  key: string;
  name: string;
  namespace: string;
  spec: HydraMonitorSpec;
}

/** `namespace/name` of a monitor object. */
export function monitorKey(m: { metadata: { name: string; namespace: string } }): string {
  return `${m.metadata.namespace}/${m.metadata.name}`;
}

/** The job's view of a validated HydraMonitor. */
export function monitorRef(m: HydraMonitor): MonitorRef {
  return { key: monitorKey(m), name: m.metadata.name, namespace: m.metadata.namespace, spec: m.spec };
}

/** Detector options from the monitor's anomaly section; `warmup` becomes points at the job's step. */
export function detectorOptions(spec: HydraMonitorSpec, stepMs: number): DetectorOptions {
  const a = spec.anomaly;
  return {
    sensitivity: a.sensitivity,
    direction: a.direction,
    minDeviation: a.minDeviation,
    warmup: Math.max(1, Math.ceil(parseDuration(a.warmup, 'spec.anomaly.warmup') / stepMs)),
  };
}

/** The series matchers of a monitor: its label matchers plus, when set, the namespaces as a regex. */
export function selectorMatchers(spec: HydraMonitorSpec): LabelMatcher[] {
  const matchers: LabelMatcher[] = spec.selector.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value }));
  const names = spec.selector.namespaceSelector?.matchNames;
  if (names && names.length > 0) {
    matchers.push({ name: NAMESPACE_LABEL, op: '=~', value: names.map(escapeRegex).join('|') });
  }
  return matchers;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Notification targets of a monitor. A webhook's `secretRef` becomes
 * `<secret name>/<key>`, resolved by the dispatcher's secret resolver.
 */
export function notifierTargets(spec: HydraMonitorSpec): NotifierTarget[] {
  const targets: NotifierTarget[] = [];
  if (spec.alerting.alertmanagerUrl) targets.push({ kind: 'alertmanager', url: spec.alerting.alertmanagerUrl });
  for (const w of spec.alerting.webhooks) {
    targets.push(
      w.secretRef
        ? { kind: 'webhook', url: w.url, secretRef: `${w.secretRef.name}/${w.secretRef.key}` }
        : { kind: 'webhook', url: w.url },
    );
  }
  return targets;
}
