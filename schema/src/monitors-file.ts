/**
 * Monitors from a YAML file (`hydra.yaml` for `hydra up`): the same documents `kubectl apply -f` takes — one
 * HydraMonitor per `---` document — so a monitor moves between a laptop and a cluster unchanged.
 */
import { parseAllDocuments } from 'yaml';
import type { HydraMonitor } from './hydra-monitor.ts';
import { MonitorValidationError, validateMonitor, type FieldError } from './validate.ts';

/** Most monitors one file may hold. */
export const MAX_MONITORS_PER_FILE = 1000;

export interface MonitorsFileOptions {
  /** Name used in error messages, e.g. the file path. */
  source?: string;
  /** Namespace of documents that name none (`hydra up` has no namespaces: `default`). */
  defaultNamespace?: string;
}

/**
 * Parses and validates every HydraMonitor of `text`, filling defaults. Throws a MonitorValidationError whose errors
 * are prefixed with the document (`hydra.yaml#2 (checkout-latency): spec.anomaly.detector`), for YAML syntax errors,
 * invalid monitors and duplicate namespace/name pairs alike. Empty documents are skipped.
 */
export function parseMonitorsYaml(text: string, options: MonitorsFileOptions = {}): HydraMonitor[] {
  const source = options.source ?? 'hydra.yaml';
  const errors: FieldError[] = [];
  const monitors: HydraMonitor[] = [];
  const seen = new Set<string>();
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new MonitorValidationError([{ path: source, message: 'is not a YAML stream' }]);
  if (docs.length > MAX_MONITORS_PER_FILE)
    throw new MonitorValidationError([
      { path: source, message: `holds ${docs.length} documents, more than ${MAX_MONITORS_PER_FILE}` },
    ]);
  docs.forEach((doc, index) => {
    const at = `${source}#${index + 1}`;
    if (doc.errors.length > 0) {
      errors.push({ path: at, message: `invalid YAML: ${doc.errors[0]!.message}` });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
    const prefix = typeof name === 'string' ? `${at} (${name})` : at;
    const result = validateMonitor(value, options.defaultNamespace);
    if (!result.ok) {
      for (const e of result.errors)
        errors.push({ path: e.path ? `${prefix}: ${e.path}` : prefix, message: e.message });
      return;
    }
    const key = `${result.value.metadata.namespace}/${result.value.metadata.name}`;
    if (seen.has(key)) errors.push({ path: prefix, message: `duplicate monitor ${key}` });
    seen.add(key);
    monitors.push(result.value);
  });
  if (errors.length > 0) throw new MonitorValidationError(errors);
  return monitors;
}
