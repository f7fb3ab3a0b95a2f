/**
 * The monitors of a local `hydra.yaml`: one or more HydraMonitor documents
 * (`---`-separated, exactly what `kubectl apply -f` takes), each validated
 * with @hydra/schema's `validateMonitor` (defaults filled in, unknown fields
 * refused) and reported with its document number and the field path; a deprecated spelling is read as
 * its replacement with a DeprecationWarning on stderr. Also
 * what follows from them: the AlertService's notification targets and the
 * webhook secrets, read from the environment.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { alertUrl, API_GROUP_VERSION, formatErrors, KIND, validateMonitor } from '@hydra/schema';
import {
  AlertService,
  FORECAST_ALERT_KIND,
  monitorRef,
  notifierTargets,
  schedulePeriodMs,
  type AlertSnapshot,
  type DispatcherOptions,
  type MonitorRef,
  type NotifierTarget,
  type SecretResolver,
} from '@hydra/analysis';
import type { Database } from '@hydra/storage';
import { fileProblem } from './io/input.ts';

/** Most monitors one file may hold. */
export const MAX_LOCAL_MONITORS = 200;
/** Environment variable prefix of webhook secrets: `secretRef {name: hooks, key: token}` → HYDRA_SECRET_HOOKS_TOKEN. */
export const SECRET_ENV_PREFIX = 'HYDRA_SECRET_';

/**
 * Where the operator's CronJobs put the monitor's defaulted spec (JSON): a job
 * pod has no monitors file, only `--monitor namespace/name` and this variable.
 */
export const MONITOR_SPEC_ENV = 'HYDRA_MONITOR_SPEC';

/** A monitors file that cannot be used; the message names the file, the document and the field. */
export class MonitorFileError extends Error {
  override readonly name = 'MonitorFileError';
}

/**
 * Parses and validates the monitors in `text` (the contents of `file`).
 * @throws MonitorFileError listing every problem
 */
export function parseMonitors(text: string, file: string): MonitorRef[] {
  const docs = parseAllDocuments(text);
  const problems: string[] = [];
  const monitors: MonitorRef[] = [];
  const keys = new Map<string, number>();
  docs.forEach((doc, i) => {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length > 0) {
      problems.push(...doc.errors.map((e) => `${where}: ${e.message}`));
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document (a trailing ---)
    const result = validateMonitor(value);
    const name = (value as { metadata?: { name?: unknown } }).metadata?.name;
    const label = typeof name === 'string' ? ` (${name})` : '';
    if (!result.ok) {
      problems.push(
        ...formatErrors(result.errors)
          .split('\n')
          .map((line) => `${where}${label}: ${line}`),
      );
      return;
    }
    for (const w of result.warnings)
      process.emitWarning(`${where}${label}: ${w.path}: ${w.message}`, 'DeprecationWarning');
    const ref = monitorRef(result.value);
    const first = keys.get(ref.key);
    if (first !== undefined)
      problems.push(`${where}${label}: monitor ${ref.key} is already defined in document ${first}`);
    keys.set(ref.key, i + 1);
    monitors.push(ref);
  });
  if (monitors.length > MAX_LOCAL_MONITORS)
    problems.push(`${file}: at most ${MAX_LOCAL_MONITORS} monitors, got ${monitors.length}`);
  if (problems.length > 0) throw new MonitorFileError(problems.join('\n'));
  return monitors;
}

/**
 * Reads the monitors of `file`. A missing file gives no monitors when
 * `optional`; otherwise it is an error naming the file.
 * @throws MonitorFileError
 */
export async function loadMonitors(file: string, options: { optional?: boolean } = {}): Promise<MonitorRef[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.optional) return [];
    throw new MonitorFileError(`${file}: cannot read the monitors file: ${fileProblem(err)}`);
  }
  return parseMonitors(text, file);
}

/**
 * The monitor `target` (`namespace/name`, or `name` in `default`) whose spec
 * is the JSON in `specJson` (what the operator puts in HYDRA_MONITOR_SPEC),
 * validated with the same schema as a monitors file document.
 * @throws MonitorFileError naming the variable and the field at fault
 */
export function monitorFromSpecJson(target: string, specJson: string): MonitorRef {
  const where = `${MONITOR_SPEC_ENV} (monitor ${target})`;
  let spec: unknown;
  try {
    spec = JSON.parse(specJson);
  } catch (err) {
    throw new MonitorFileError(`${where}: not valid JSON: ${(err as Error).message}`);
  }
  const slash = target.indexOf('/');
  const metadata = slash < 0 ? { name: target } : { namespace: target.slice(0, slash), name: target.slice(slash + 1) };
  const result = validateMonitor({ apiVersion: API_GROUP_VERSION, kind: KIND, metadata, spec });
  if (!result.ok) {
    const lines = formatErrors(result.errors).split('\n');
    throw new MonitorFileError(lines.map((line) => `${where}: ${line}`).join('\n'));
  }
  for (const w of result.warnings) process.emitWarning(`${where}: ${w.path}: ${w.message}`, 'DeprecationWarning');
  return monitorRef(result.value);
}

/**
 * The monitors a `hydra job` pass runs with: the monitor in HYDRA_MONITOR_SPEC
 * when that is set and no `--file` was given (a Kubernetes job pod), else the
 * monitors file (`file`, or `defaultFile`).
 * @throws MonitorFileError
 */
export async function jobMonitors(
  target: string,
  file: string | undefined,
  defaultFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MonitorRef[]> {
  const specJson = env[MONITOR_SPEC_ENV];
  if (file === undefined && specJson !== undefined && specJson !== '') return [monitorFromSpecJson(target, specJson)];
  return loadMonitors(file ?? defaultFile);
}

/**
 * The monitor `name` (`name` or `namespace/name`) among `monitors`, read from `source` (a file).
 * @throws MonitorFileError naming the source and listing the known ones
 */
export function findMonitor(monitors: readonly MonitorRef[], name: string, source?: string): MonitorRef {
  const found = monitors.find((m) => m.key === name || (!name.includes('/') && m.name === name));
  if (!found) {
    const known = monitors.map((m) => m.key).join(', ') || 'none';
    throw new MonitorFileError(`${source ? `${source}: ` : ''}no monitor '${name}' (known: ${known})`);
  }
  return found;
}

/** Notification targets by monitor key. */
export function targetsOf(monitors: readonly MonitorRef[]): (monitor: string) => readonly NotifierTarget[] {
  const byKey = new Map(monitors.map((m) => [m.key, notifierTargets(m.spec)]));
  return (monitor) => byKey.get(monitor) ?? [];
}

/** The webhook `secretRef`s (`<name>/<key>`) the monitor's notifications need. */
export function notifierSecretRefs(monitor: MonitorRef): string[] {
  return notifierTargets(monitor.spec).flatMap((t) => (t.kind === 'webhook' && t.secretRef ? [t.secretRef] : []));
}

/** The environment variable that holds the secret `<name>/<key>`. */
export function secretEnvName(ref: string): string {
  return `${SECRET_ENV_PREFIX}${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Resolves webhook secrets from `env` (HYDRA_SECRET_<NAME>_<KEY>). */
export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return (ref) => {
    const value = env[secretEnvName(ref)];
    return value === undefined || value === '' ? undefined : value;
  };
}

/** The AlertService of a process that runs `monitors`. */
export function alertServiceFor(db: Database, monitors: readonly MonitorRef[], clock?: () => number): AlertService {
  return new AlertService({ db, targets: targetsOf(monitors), ...(clock ? { clock } : {}) });
}

/**
 * What the NotificationDispatcher of a process that runs `monitors` needs besides the database: links to the
 * alerts under `externalUrl` (read when a notification is sent: `hydra up` knows its dashboard's address only
 * once it listens) and, per alert, the period of the job that evaluates it (its monitor's anomaly schedule, or
 * the forecast schedule for forecast_threshold alerts), so Alertmanager keeps a firing alert until the next run.
 */
export function dispatcherOptions(
  monitors: readonly MonitorRef[],
  externalUrl: () => string | null,
): Pick<DispatcherOptions, 'alertUrl' | 'evaluationIntervalMs' | 'secrets'> {
  const periods = new Map(
    monitors.map((m) => [
      m.key,
      { anomaly: schedulePeriodMs(m.spec.anomaly.schedule), forecast: schedulePeriodMs(m.spec.forecast.schedule) },
    ]),
  );
  return {
    secrets: envSecrets(),
    alertUrl: (id) => {
      const base = externalUrl();
      return base === null ? '' : alertUrl(base, id);
    },
    evaluationIntervalMs: (alert: AlertSnapshot) => {
      const period = periods.get(alert.monitor);
      if (!period) return undefined;
      return alert.kind === FORECAST_ALERT_KIND ? period.forecast : period.anomaly;
    },
  };
}
