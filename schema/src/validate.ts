/**
 * Validation of HydraMonitor objects and specs outside the API server (the HTTP API, `hydra.yaml`): the same
 * TypeBox schema plus the same cross-field rules the CRD enforces with CEL, with defaults filled in. Unknown fields
 * are errors here (the API server would prune them silently), so a typo in `hydra.yaml` is reported, not ignored.
 */
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import {
  API_GROUP_VERSION,
  DEPRECATED_ANOMALY_DIRECTIONS,
  HydraMonitorSpecSchema,
  KIND,
  type HydraMonitor,
  type HydraMonitorSpec,
} from './hydra-monitor.ts';
import { HydraCollectorSpecSchema, type HydraCollectorSpec } from './hydra-collector.ts';
import { COLLECTOR_RULES, CROSS_FIELD_RULES, type CrossFieldRule } from './rules.ts';

/** Most errors one validation reports; the rest are summarised in one line. */
export const MAX_REPORTED_ERRORS = 20;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** One problem, at a dotted field path such as `spec.collector.replicas`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * A valid result carries `warnings`: deprecated spellings that were accepted and rewritten (the value holds
 * the current spelling), for the caller to show (a log line, a Kubernetes Event).
 */
export type ValidationResult<T> = { ok: true; value: T; warnings: FieldError[] } | { ok: false; errors: FieldError[] };

/** Thrown by `parseMonitor`/`parseMonitorSpec`; its message lists every field error. */
export class MonitorValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(formatErrors(errors));
    this.name = 'MonitorValidationError';
  }
}

/** `path: message` lines, one per error. */
export function formatErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('\n');
}

/** The schema with `additionalProperties: false` on every fixed-shape object, so unknown fields are reported. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'default' || k === 'enum' ? v : strict(v);
  if (out.type === 'object' && out.properties && !out.patternProperties && !('additionalProperties' in out))
    out.additionalProperties = false;
  return out;
}

const STRICT_SPEC_SCHEMA = strict(HydraMonitorSpecSchema) as TSchema;
const STRICT_COLLECTOR_SPEC_SCHEMA = strict(HydraCollectorSpecSchema) as TSchema;

function dotted(instancePath: string, prefix: string): string {
  const parts = instancePath
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = prefix;
  for (const p of parts) out += /^[0-9]+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function schemaErrors(schema: TSchema, value: unknown, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const e of Value.Errors(schema, value)) {
    const params = e.params as Record<string, unknown>;
    const at = dotted(e.instancePath, prefix);
    if (e.keyword === 'required') {
      for (const p of (params.requiredProperties as string[] | undefined) ?? [])
        errors.push({ path: at ? `${at}.${p}` : p, message: 'is required' });
    } else if (e.keyword === 'additionalProperties') {
      for (const p of (params.additionalProperties as string[] | undefined) ?? [])
        errors.push({ path: at ? `${at}.${p}` : p, message: 'is not a known field' });
    } else if (e.keyword === 'enum') {
      errors.push({
        path: at,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      });
    } else if (e.keyword === 'pattern') {
      errors.push({ path: at, message: `does not match ${String(params.pattern)}` });
    } else {
      errors.push({ path: at, message: e.message });
    }
  }
  return errors;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Runs the cross-field rules selected by `applies` against `root` (shaped like the whole resource). */
function ruleErrors(
  root: unknown,
  applies: (path: readonly string[]) => boolean,
  rules: readonly CrossFieldRule[] = CROSS_FIELD_RULES,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const r of rules) {
    if (!applies(r.path)) continue;
    const value = valueAt(root, r.path);
    if (value === undefined) continue;
    if (!(r.holds as (self: unknown) => boolean)(value)) {
      const field = (r.fieldPath ?? '').replace(/^\./, '');
      errors.push({ path: [...r.path, field].filter((s) => s.length > 0).join('.'), message: r.message });
    }
  }
  return errors;
}

function cap(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  const rest = errors.length - MAX_REPORTED_ERRORS;
  return [...errors.slice(0, MAX_REPORTED_ERRORS), { path: '', message: `and ${rest} more error(s)` }];
}

/**
 * Validates a HydraMonitor `spec` and returns it with every default filled in. Errors name the field path
 * relative to the resource (`spec.anomaly.detector: must be one of ...`). The input is not modified.
 */
export function validateMonitorSpec(input: unknown): ValidationResult<HydraMonitorSpec> {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, errors: [{ path: 'spec', message: 'must be an object' }] };
  const value = Value.Default(HydraMonitorSpecSchema, structuredClone(input));
  const errors = schemaErrors(STRICT_SPEC_SCHEMA, value, 'spec');
  if (errors.length > 0) return { ok: false, errors: cap(errors) };
  const ruleFailures = ruleErrors({ spec: value }, (path) => path[0] === 'spec');
  if (ruleFailures.length > 0) return { ok: false, errors: ruleFailures };
  const spec = value as HydraMonitorSpec;
  return { ok: true, value: spec, warnings: rewriteDeprecated(spec) };
}

/** Rewrites deprecated spellings in `spec` (in place) to the current ones; one warning per rewrite. */
/** Validates a HydraCollector `spec` and returns it with every default filled in (as `validateMonitorSpec`). */
export function validateCollectorSpec(input: unknown): ValidationResult<HydraCollectorSpec> {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, errors: [{ path: 'spec', message: 'must be an object' }] };
  const value = Value.Default(HydraCollectorSpecSchema, structuredClone(input));
  const errors = schemaErrors(STRICT_COLLECTOR_SPEC_SCHEMA, value, 'spec');
  if (errors.length > 0) return { ok: false, errors: cap(errors) };
  const ruleFailures = ruleErrors({ spec: value }, (path) => path[0] === 'spec', COLLECTOR_RULES);
  if (ruleFailures.length > 0) return { ok: false, errors: ruleFailures };
  return { ok: true, value: value as HydraCollectorSpec, warnings: [] };
}

function rewriteDeprecated(spec: HydraMonitorSpec): FieldError[] {
  const warnings: FieldError[] = [];
  const old: string = spec.anomaly.direction;
  const current = DEPRECATED_ANOMALY_DIRECTIONS[old];
  if (current !== undefined) {
    spec.anomaly.direction = current;
    warnings.push({ path: 'spec.anomaly.direction', message: `'${old}' is deprecated, write '${current}'` });
  }
  return warnings;
}

/**
 * Validates a whole HydraMonitor object (apiVersion, kind, metadata.name/namespace, spec) as `kubectl apply` would
 * send it; returns the object with its spec defaulted. `defaultNamespace` fills a missing metadata.namespace.
 */
export function validateMonitor(obj: unknown, defaultNamespace = 'default'): ValidationResult<HydraMonitor> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const o = obj as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (o.apiVersion !== API_GROUP_VERSION) errors.push({ path: 'apiVersion', message: `must be ${API_GROUP_VERSION}` });
  if (o.kind !== KIND) errors.push({ path: 'kind', message: `must be ${KIND}` });
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const name = meta.name;
  if (typeof name !== 'string' || name.length === 0) errors.push({ path: 'metadata.name', message: 'is required' });
  else if (!DNS_SUBDOMAIN.test(name))
    errors.push({ path: 'metadata.name', message: 'must be a lowercase DNS subdomain ([a-z0-9.-])' });
  const namespace = meta.namespace ?? defaultNamespace;
  if (typeof namespace !== 'string' || !DNS_SUBDOMAIN.test(namespace))
    errors.push({ path: 'metadata.namespace', message: 'must be a DNS label' });
  if (errors.length === 0) errors.push(...ruleErrors({ metadata: { name } }, (path) => path.length === 0));
  const spec = validateMonitorSpec(o.spec);
  if (!spec.ok) errors.push(...spec.errors);
  if (errors.length > 0 || !spec.ok) return { ok: false, errors: cap(errors) };
  const monitor = {
    ...(structuredClone(o) as unknown as HydraMonitor),
    metadata: {
      ...(structuredClone(meta) as unknown as HydraMonitor['metadata']),
      name: name as string,
      namespace: namespace as string,
    },
    spec: spec.value,
  };
  return { ok: true, value: monitor, warnings: spec.warnings };
}

/** `validateMonitor` that throws a `MonitorValidationError` listing every field error. */
export function parseMonitor(obj: unknown, defaultNamespace?: string): HydraMonitor {
  const result = validateMonitor(obj, defaultNamespace);
  if (!result.ok) throw new MonitorValidationError(result.errors);
  return result.value;
}

/** `validateMonitorSpec` that throws a `MonitorValidationError` listing every field error. */
export function parseMonitorSpec(spec: unknown): HydraMonitorSpec {
  const result = validateMonitorSpec(spec);
  if (!result.ok) throw new MonitorValidationError(result.errors);
  return result.value;
}
