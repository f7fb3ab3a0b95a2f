/**
 * The one HydraMonitor schema (TypeBox). The CRD's openAPIV3Schema (`crd.ts`), the API's validation and the
 * monitors of a local `hydra.yaml` (`validate.ts`) are all derived from the objects below.
 *
 * Convention: a property that carries a `default` is required in the TypeScript type (`HydraMonitorSpec` is the
 * resolved, defaulted shape consumers read) but optional on input — `validateMonitorSpec` fills defaults before
 * checking, and the CRD generator drops defaulted properties from `required` so the API server fills them.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { DURATION_PATTERN } from './duration.ts';

export const API_GROUP = 'hydra.io';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;
export const KIND = 'HydraMonitor';
export const PLURAL = 'hydramonitors';
export const SINGULAR = 'hydramonitor';
export const SHORT_NAMES: readonly string[] = ['hmon'];

/** Longest monitor name: `<name>-forecast` must stay a valid CronJob name (52) and label value (63). */
export const MAX_MONITOR_NAME_LENGTH = 40;

/** Detector names of @hydra/analytics (`DETECTORS`); a schema test keeps the two lists equal. */
export const DETECTOR_NAMES = ['zscore', 'mad', 'seasonal', 'level-shift', 'iforest', 'ensemble'] as const;
/** The detector a monitor gets when it names none (@hydra/analytics `DEFAULT_DETECTOR`). */
export const DEFAULT_DETECTOR = 'ensemble';
/** Forecaster names of @hydra/analytics (`FORECASTERS`) plus `auto` (chosen per series by holdout error). */
export const FORECAST_MODEL_NAMES = [
  'auto',
  'seasonal-naive',
  'holt-winters',
  'linear-trend',
  'mstl',
  'arima',
  'ets',
  'theta',
  'optimised-theta',
  'dynamic-theta',
  'ensemble',
  'naive2',
  'prophet',
] as const;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/**
 * Which deviations an anomaly monitor flags, in the words of Grafana's threshold alerts ("is above"/"is below")
 * and of `hydra analyze --direction` and forecast thresholds.
 */
export const ANOMALY_DIRECTIONS = ['both', 'above', 'below'] as const;
export type AnomalyDirection = (typeof ANOMALY_DIRECTIONS)[number];
/**
 * Spellings of `spec.anomaly.direction` accepted for objects stored before v0.2 and read as their replacement,
 * with a deprecation warning (validate.ts); the CRD keeps them in its enum so stored objects stay valid.
 */
export const DEPRECATED_ANOMALY_DIRECTIONS: Readonly<Record<string, AnomalyDirection>> = { up: 'above', down: 'below' };
export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;

export const DEFAULT_COLLECTOR_REPLICAS = 1;
export const MAX_COLLECTOR_REPLICAS = 100;
export const DEFAULT_OTLP_GRPC_PORT = 4317;
export const DEFAULT_OTLP_HTTP_PORT = 4318;
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_ATTRIBUTES = 128;
export const DEFAULT_MAX_LABEL_LENGTH = 2048;
export const DEFAULT_MAX_SERIES_PER_METRIC = 50_000;
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 36_500;
export const DEFAULT_DATABASE_SECRET = 'hydra-database';
export const DEFAULT_DATABASE_SECRET_KEY = 'url';
export const DEFAULT_ANOMALY_SCHEDULE = '*/5 * * * *';
export const DEFAULT_FORECAST_SCHEDULE = '0 * * * *';
export const MAX_MATCHERS = 32;
export const MAX_THRESHOLDS = 16;
export const MAX_WEBHOOKS = 8;

/** A five-field cron expression or a macro (`@hourly`); the CronJob controller parses it fully. */
export const CRON_PATTERN =
  '^(@(yearly|annually|monthly|weekly|daily|hourly)|([0-9*/,?LW#A-Za-z-]+\\s+){4}[0-9*/,?LW#A-Za-z-]+)$';
/** Kubernetes resource quantity (`500m`, `256Mi`, `1.5`). */
export const QUANTITY_PATTERN = '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][0-9]+)?$';
const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_.]*$';
const URL_PATTERN = '^https?://[^\\s/$.?#][^\\s]*$';

const duration = (description: string, defaultValue: string) =>
  Type.String({ pattern: DURATION_PATTERN, maxLength: 32, default: defaultValue, description });
const cron = (description: string, defaultValue: string) =>
  Type.String({ pattern: CRON_PATTERN, maxLength: 128, default: defaultValue, description });
/** A string enum as plain JSON Schema (`type` + `enum`), so errors and the CRD list the allowed values once. */
const oneOf = <T extends string>(values: readonly T[], options: { default?: T; description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
const quantity = (description: string) => Type.String({ pattern: QUANTITY_PATTERN, maxLength: 32, description });

/** A key of a Secret in the monitor's namespace. */
const secretKeyRef = (description: string, defaultValue?: { name: string; key: string }) =>
  Type.Object(
    {
      name: Type.String({
        pattern: DNS_LABEL_PATTERN,
        maxLength: 253,
        description: 'Secret name, in the namespace of this object',
      }),
      key: Type.String({ minLength: 1, maxLength: 253, description: 'key inside the Secret' }),
    },
    defaultValue ? { description, default: defaultValue } : { description },
  );
export const SecretKeyRef = secretKeyRef('a key of a Secret in the monitor namespace');

/** One Prometheus-style label matcher on the monitored series. */
export const LabelMatcher = Type.Object({
  name: Type.String({ pattern: LABEL_NAME_PATTERN, maxLength: 256, description: 'label (attribute) name' }),
  op: oneOf(MATCH_OPS, {
    default: '=',
    description: 'match operator: = != =~ !~ (regular expressions are fully anchored, RE2)',
  }),
  value: Type.String({ maxLength: 1024, description: 'value or regular expression' }),
});

/** A Kubernetes label selector (`matchLabels` + `matchExpressions`). */
const labelSelector = (description: string) =>
  Type.Object(
    {
      matchLabels: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 63 }))),
      matchExpressions: Type.Optional(
        Type.Array(
          Type.Object({
            key: Type.String({ minLength: 1, maxLength: 317 }),
            operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist'] as const),
            values: Type.Optional(Type.Array(Type.String({ maxLength: 63 }), { maxItems: 64 })),
          }),
          { maxItems: 16 },
        ),
      ),
    },
    { description },
  );
export const LabelSelector = labelSelector('Kubernetes label selector');

export const Selector = Type.Object(
  {
    metric: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'metric name the monitor analyses (OTel instrument name)',
    }),
    matchers: Type.Array(LabelMatcher, {
      maxItems: MAX_MATCHERS,
      default: [],
      description: 'label matchers on the series, all must match',
    }),
    namespaceSelector: Type.Optional(
      Type.Object(
        {
          any: Type.Optional(Type.Boolean({ description: 'series from workloads of every namespace' })),
          matchNames: Type.Optional(
            Type.Array(Type.String({ pattern: DNS_LABEL_PATTERN, maxLength: 63 }), { maxItems: 64 }),
          ),
        },
        {
          description:
            'namespaces of the sending workloads (resource attribute k8s.namespace.name); default: the monitor namespace',
        },
      ),
    ),
    podSelector: Type.Optional(
      labelSelector('labels of the sending pods, matched against k8s.pod.label.* resource attributes'),
    ),
  },
  { description: 'which series the monitor analyses' },
);

export const Resources = Type.Object(
  {
    requests: Type.Object(
      { cpu: quantity('CPU request'), memory: quantity('memory request') },
      { default: { cpu: '100m', memory: '256Mi' } },
    ),
    limits: Type.Object(
      { cpu: Type.Optional(quantity('CPU limit')), memory: quantity('memory limit') },
      { default: { memory: '512Mi' } },
    ),
  },
  { default: {}, description: 'container resources of the collector' },
);

export const CollectorPorts = Type.Object(
  {
    grpc: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_OTLP_GRPC_PORT, description: 'OTLP/gRPC port' }),
    http: Type.Integer({ minimum: 1, maximum: 65535, default: DEFAULT_OTLP_HTTP_PORT, description: 'OTLP/HTTP port' }),
    metrics: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: DEFAULT_METRICS_PORT,
      description: 'Prometheus exporter port of the collector itself',
    }),
  },
  // A full default (not {}): the CRD's CEL rule on ports is checked against the default value itself.
  { default: { grpc: DEFAULT_OTLP_GRPC_PORT, http: DEFAULT_OTLP_HTTP_PORT, metrics: DEFAULT_METRICS_PORT } },
);

export const CollectorLimits = Type.Object(
  {
    maxBodyBytes: Type.Integer({
      minimum: 1024,
      maximum: 1024 ** 3,
      default: DEFAULT_MAX_BODY_BYTES,
      description: 'largest request body after decompression (413 above)',
    }),
    maxAttributes: Type.Integer({
      minimum: 1,
      maximum: 4096,
      default: DEFAULT_MAX_ATTRIBUTES,
      description: 'most attributes per point',
    }),
    maxLabelLength: Type.Integer({
      minimum: 16,
      maximum: 65536,
      default: DEFAULT_MAX_LABEL_LENGTH,
      description: 'longest label name or value in bytes',
    }),
    maxSeriesPerMetric: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      default: DEFAULT_MAX_SERIES_PER_METRIC,
      description: 'cardinality limit per metric name',
    }),
  },
  { default: {} },
);

/** The collector settings shared by a HydraCollector's spec and a monitor's dedicated `spec.collector`. */
export const COLLECTOR_SETTINGS = {
  replicas: Type.Integer({
    minimum: 0,
    maximum: MAX_COLLECTOR_REPLICAS,
    default: DEFAULT_COLLECTOR_REPLICAS,
    description: 'collector pods',
  }),
  image: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'container image; default ghcr.io/hydra-dev/hydra:<operator version>',
    }),
  ),
  imagePullPolicy: oneOf(['Always', 'IfNotPresent', 'Never'] as const, { default: 'IfNotPresent' }),
  resources: Resources,
  ports: CollectorPorts,
  limits: CollectorLimits,
  ingestTokenSecretRef: Type.Optional(secretKeyRef('static bearer token OTLP exporters must send')),
};

/**
 * A monitor's own (dedicated) collector, as every monitor had before HydraCollector. No default: a monitor that
 * leaves it out sends its data through `collectorRef` or the operator's shared collector; objects stored before
 * v0.3 carry it (the API server filled it) and keep their dedicated collector.
 */
export const Collector = Type.Object(COLLECTOR_SETTINGS, {
  description:
    "a dedicated collector Deployment for this monitor, in its namespace (leave out to use collectorRef or the cluster's shared HydraCollector)",
});

/** Which HydraCollector a monitor's data arrives through. */
export const CollectorRef = Type.Object(
  {
    name: Type.String({ pattern: DNS_LABEL_PATTERN, maxLength: 63, description: 'HydraCollector name' }),
    namespace: Type.Optional(
      Type.String({
        pattern: DNS_LABEL_PATTERN,
        maxLength: 63,
        description: "namespace of the HydraCollector; default: hydra's own namespace (the operator's)",
      }),
    ),
  },
  {
    description:
      "the HydraCollector the monitor's data arrives through; default: the cluster's shared one (the operator's --default-collector)",
  },
);

export const Storage = Type.Object(
  {
    databaseSecretRef: secretKeyRef(
      'Secret key holding the PostgreSQL/TimescaleDB URL (read by a dedicated collector only)',
      {
        name: DEFAULT_DATABASE_SECRET,
        key: DEFAULT_DATABASE_SECRET_KEY,
      },
    ),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: MAX_RETENTION_DAYS,
      default: DEFAULT_RETENTION_DAYS,
      description: 'days of raw samples kept',
    }),
  },
  { default: {} },
);

export const Anomaly = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    detector: oneOf(DETECTOR_NAMES, { default: DEFAULT_DETECTOR, description: 'detector of @hydra/analytics' }),
    sensitivity: Type.Number({
      minimum: 0,
      maximum: 1,
      default: 0.5,
      description: '0 flags only extreme points, 1 flags the mildest',
    }),
    direction: Type.Unsafe<AnomalyDirection>({
      type: 'string',
      enum: [...ANOMALY_DIRECTIONS, ...Object.keys(DEPRECATED_ANOMALY_DIRECTIONS)],
      default: 'both',
      description: "which deviations count: above, below or both ('up' and 'down' are deprecated: above, below)",
    }),
    minDeviation: Type.Number({
      minimum: 0,
      default: 0,
      description: 'absolute deviation from the expected value below which nothing is flagged',
    }),
    quantile: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.95,
      description: "histogram series are scored as this quantile of each step's observations (0.5, 0.95, 0.99)",
    }),
    warmup: duration('history a series needs before it is scored', '1h'),
    schedule: cron('when the anomaly CronJob runs', DEFAULT_ANOMALY_SCHEDULE),
    lookback: duration('history each pass reads', '7d'),
  },
  { default: {}, description: 'anomaly detection job' },
);

export const ForecastThreshold = Type.Object({
  value: Type.Number({ description: 'threshold in the metric unit' }),
  direction: oneOf(['above', 'below'] as const, {
    default: 'above',
    description: 'alert when the forecast crosses above or below',
  }),
  severity: oneOf(SEVERITIES, { default: 'warning' }),
});

export const Forecast = Type.Object(
  {
    enabled: Type.Boolean({ default: false }),
    model: oneOf(FORECAST_MODEL_NAMES, {
      default: 'auto',
      description: 'forecaster, or auto (chosen per series by holdout error)',
    }),
    horizon: duration('how far ahead to forecast', '24h'),
    schedule: cron('when the forecast CronJob runs', DEFAULT_FORECAST_SCHEDULE),
    lookback: duration('history each fit reads', '14d'),
    thresholds: Type.Array(ForecastThreshold, {
      maxItems: MAX_THRESHOLDS,
      default: [],
      description: 'time-to-threshold alerts',
    }),
    level: Type.Number({
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.95,
      description: 'prediction interval level, e.g. 0.95',
    }),
  },
  { default: {}, description: 'forecasting job' },
);

export const Webhook = Type.Object({
  url: Type.String({ pattern: URL_PATTERN, maxLength: 2048, description: 'http(s) URL receiving alert notifications' }),
  secretRef: Type.Optional(secretKeyRef('HMAC secret signing each notification')),
});

export const Alerting = Type.Object(
  {
    severity: oneOf(SEVERITIES, { default: 'warning', description: 'severity of anomaly alerts' }),
    for: duration('how long a condition must hold before the alert fires', '5m'),
    alertmanagerUrl: Type.Optional(
      Type.String({ pattern: URL_PATTERN, maxLength: 2048, description: 'Alertmanager base URL (v2 API)' }),
    ),
    webhooks: Type.Array(Webhook, { maxItems: MAX_WEBHOOKS, default: [] }),
  },
  { default: {} },
);

/** `spec` of a HydraMonitor. */
export const HydraMonitorSpecSchema = Type.Object(
  {
    selector: Selector,
    collectorRef: Type.Optional(CollectorRef),
    collector: Type.Optional(Collector),
    storage: Storage,
    anomaly: Anomaly,
    forecast: Forecast,
    alerting: Alerting,
    paused: Type.Boolean({ default: false, description: 'stop reconciling: children are left as they are' }),
  },
  { description: 'desired state of a HydraMonitor' },
);

export const ConditionSchema = Type.Object({
  type: Type.String({ maxLength: 316 }),
  status: oneOf(['True', 'False', 'Unknown'] as const),
  reason: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  message: Type.String({ maxLength: 32768 }),
  lastTransitionTime: Type.String({ format: 'date-time' }),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** The most recent run (Job) of a monitor's CronJob, as the operator last saw it. */
export const JOB_OUTCOMES = ['Running', 'Succeeded', 'Failed'] as const;
const JobRun = Type.Object(
  {
    name: Type.String({ description: "the Job, in hydra's namespace" }),
    outcome: oneOf(JOB_OUTCOMES),
    startTime: Type.Optional(Type.String({ format: 'date-time' })),
    completionTime: Type.Optional(Type.String({ format: 'date-time' })),
    message: Type.Optional(Type.String({ maxLength: 1024, description: 'why it failed (the Job condition)' })),
  },
  { description: 'the most recent run of the CronJob' },
);

const JobStatus = Type.Object({
  schedule: Type.Optional(Type.String()),
  lastScheduleTime: Type.Optional(Type.String({ format: 'date-time' })),
  lastSuccessfulTime: Type.Optional(Type.String({ format: 'date-time' })),
  active: Type.Optional(Type.Integer({ minimum: 0 })),
  lastRun: Type.Optional(JobRun),
});

/** `status` of a HydraMonitor. `activeAlerts`/`lastAnalysisTime` are also written by the jobs (field manager `hydra-job`). */
export const HydraMonitorStatusSchema = Type.Object({
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  conditions: Type.Optional(
    Type.Array(ConditionSchema, {
      maxItems: 16,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }),
  ),
  collector: Type.Optional(
    Type.Object({
      name: Type.Optional(Type.String({ description: 'HydraCollector (namespace/name) or "dedicated"' })),
      endpoint: Type.Optional(
        Type.String({ description: 'OTLP/gRPC endpoint workloads set as OTEL_EXPORTER_OTLP_ENDPOINT' }),
      ),
      httpEndpoint: Type.Optional(Type.String()),
      replicas: Type.Optional(Type.Integer({ minimum: 0 })),
      readyReplicas: Type.Optional(Type.Integer({ minimum: 0 })),
      ready: Type.Optional(Type.String({ description: 'ready/desired, for printing' })),
      selector: Type.Optional(Type.String({ description: 'label selector of the collector pods (scale subresource)' })),
      configHash: Type.Optional(Type.String()),
    }),
  ),
  jobs: Type.Optional(Type.Object({ anomaly: Type.Optional(JobStatus), forecast: Type.Optional(JobStatus) })),
  lastAnalysisTime: Type.Optional(
    Type.String({ format: 'date-time', description: 'last successful anomaly or forecast pass' }),
  ),
  activeAlerts: Type.Optional(Type.Integer({ minimum: 0, description: 'firing alerts of this monitor' })),
});

export type HydraMonitorSpec = Static<typeof HydraMonitorSpecSchema>;
export type HydraMonitorStatus = Static<typeof HydraMonitorStatusSchema>;
export type Condition = Static<typeof ConditionSchema>;
export type CollectorSettings = Static<typeof Collector>;
export type SecretKeyRefType = Static<typeof SecretKeyRef>;
export type DetectorName = (typeof DETECTOR_NAMES)[number];
export type ForecastModelName = (typeof FORECAST_MODEL_NAMES)[number];
export type Severity = (typeof SEVERITIES)[number];

/** The metadata of a hydra custom resource as the API server returns it (the fields hydra reads). */
export interface HydraObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A HydraMonitor object as the API server returns it. */
export interface HydraMonitor {
  apiVersion: typeof API_GROUP_VERSION;
  kind: typeof KIND;
  metadata: HydraObjectMeta;
  spec: HydraMonitorSpec;
  status?: HydraMonitorStatus;
}
