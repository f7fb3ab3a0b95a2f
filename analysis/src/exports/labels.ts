/**
 * Prometheus labels of the exported analysis series: hydra's own (`monitor`,
 * `monitor_namespace`, `metric`, and per family `horizon`, `threshold`, …) and
 * the source series' labels, sanitized the way the OpenTelemetry Prometheus
 * exporter sanitizes attribute keys (invalid characters and runs of `_` become
 * one `_`), so the name chosen here is the name on the wire.
 */

/** Labels hydra sets itself or Prometheus adds (target labels). */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'monitor',
  'monitor_namespace',
  'metric',
  'horizon',
  'threshold',
  'direction',
  'severity',
  'job',
  'instance',
]);
/** The prefix a series label gets when its name collides with a reserved one (what Prometheus itself does). */
export const COLLISION_PREFIX = 'exported_';
/** A monitor key without a namespace part is in this namespace. */
export const DEFAULT_MONITOR_NAMESPACE = 'default';

/** A label name as the Prometheus exporter writes it: `host.name` → `host_name`, `9x` → `_9x`. */
export function sanitizeLabelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_+/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `shop/demo-cpu` → { monitor: 'demo-cpu', monitor_namespace: 'shop' }; `demo-cpu` → namespace `default`. */
export function monitorLabels(key: string): { monitor: string; monitor_namespace: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { monitor: key, monitor_namespace: DEFAULT_MONITOR_NAMESPACE }
    : { monitor: key.slice(slash + 1), monitor_namespace: key.slice(0, slash) };
}

/**
 * The attributes of one exported series: hydra's labels plus the source labels, sanitized; a source label whose
 * name collides with a reserved one becomes `exported_<name>`; when two source labels sanitize to the same name
 * the first in key order wins (the other is left out).
 */
export function seriesAttributes(
  monitorKey: string,
  metric: string,
  labels: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const attributes: Record<string, string> = { ...monitorLabels(monitorKey), metric, ...extra };
  for (const key of Object.keys(labels).sort()) {
    if (key === '') continue;
    let name = sanitizeLabelName(key);
    if (RESERVED_LABELS.has(name)) name = `${COLLISION_PREFIX}${name}`;
    if (name in attributes) continue;
    attributes[name] = labels[key]!;
  }
  return attributes;
}
