/** Names the operator writes into the cluster: field manager, labels, annotations, the image default. */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** The operator's version; the default collector/job image tag follows it. */
export const OPERATOR_VERSION: string = pkg.version;
/** Image of the collector and the jobs unless a monitor sets `spec.collector.image`. */
export const DEFAULT_IMAGE = `ghcr.io/hydra-dev/hydra:${OPERATOR_VERSION}`;
/** Server-side apply field manager of everything the operator writes. */
export const FIELD_MANAGER = 'hydra-operator';
/** `app.kubernetes.io/managed-by` value on every child. */
export const MANAGED_BY = 'hydra-operator';

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_VERSION = 'app.kubernetes.io/version';
/** Name of the owning HydraMonitor, on every child (the owned-object watches select on it). */
export const LABEL_MONITOR = 'hydra.io/monitor';
/** Namespace of the HydraMonitor a CronJob in hydra's namespace analyses (owner references cannot cross namespaces). */
export const LABEL_MONITOR_NAMESPACE = 'hydra.io/monitor-namespace';
/** Name of the owning HydraCollector, on its children and in its pods' selector. */
export const LABEL_COLLECTOR = 'hydra.io/collector';
/** Finalizer on every HydraMonitor: its CronJobs in hydra's namespace are deleted before the monitor goes. */
export const FINALIZER_JOBS = 'hydra.io/analysis-jobs';
/** The HydraCollector monitors use when they name none (the chart's shared one; --default-collector). */
export const DEFAULT_SHARED_COLLECTOR = 'hydra-collector';
/** Namespace of hydra itself when the operator is not told (--namespace, POD_NAMESPACE). */
export const DEFAULT_HYDRA_NAMESPACE = 'hydra-system';

/** Hash of the collector configuration, on the pod template: a change rolls the collector. */
export const ANNOTATION_CONFIG_HASH = 'hydra.io/config-hash';
/** Hash of the child object as the operator last built it: equal hash → nothing to apply. */
export const ANNOTATION_SPEC_HASH = 'hydra.io/spec-hash';

export const COMPONENT_COLLECTOR = 'collector';
export const COMPONENT_ANOMALY = 'anomaly-job';
export const COMPONENT_FORECAST = 'forecast-job';

/** Environment variable carrying the defaulted monitor spec (JSON) into the job pods. */
export const ENV_MONITOR_SPEC = 'HYDRA_MONITOR_SPEC';
/**
 * Prefix of the variables carrying webhook secrets into the job pods: `secretRef {name: hooks, key: token}` →
 * HYDRA_SECRET_HOOKS_TOKEN, the name `hydra job` resolves (cli/src/monitors.ts secretEnvName).
 */
export const ENV_SECRET_PREFIX = 'HYDRA_SECRET_';
/** Where users reach hydra's dashboard (the operator's --external-url), for the links in the jobs' alerts. */
export const ENV_EXTERNAL_URL = 'HYDRA_EXTERNAL_URL';
