/**
 * hydra's Grafana dashboards, generated: the JSON files in charts/hydra/dashboards (which the chart's
 * ConfigMaps and docker compose provision) are written by this module, so they are type-checked against
 * Grafana's dashboard schema (the `Dashboard`/`Panel`/`VariableModel` types of @grafana/schema) and share
 * one set of variables and selectors. Edit here, then
 *
 *   npx tsx deploy/grafana/dashboards.ts
 *
 * deploy/test/grafana-dashboards.integration.test.ts fails when the committed JSON differs from what this writes.
 * Metric and label names are those hydra's exports carry (docs/operations.md): the OTel Prometheus exporter's names
 * (dots → underscores, `_total` on counters, no unit suffix) and sanitized label keys (`host.name` →
 * `host_name`); the analysis families carry `monitor`, `monitor_namespace` and `metric`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ThresholdsMode,
  type Dashboard,
  type DataSourceRef,
  type Panel,
  type RowPanel,
  type Threshold,
  type VariableModel,
} from '@grafana/schema';
import prettier from 'prettier';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../charts/hydra/dashboards/', import.meta.url));

/** Grafana 11.0's schema version; 10.x/11.x/12.x load it as is. */
export const SCHEMA_VERSION = 39;
const PROM: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const PG: DataSourceRef = { type: 'grafana-postgresql-datasource', uid: '${pgdatasource}' };

/** A PromQL target (Grafana's Prometheus query model). */
interface PromTarget extends Record<string, unknown> {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  range?: boolean;
  format?: 'time_series' | 'table';
}
/** A SQL target of the PostgreSQL datasource (code mode). */
interface SqlTarget extends Record<string, unknown> {
  refId: string;
  datasource: DataSourceRef;
  rawSql: string;
  rawQuery: true;
  editorMode: 'code';
  format: 'time_series' | 'table';
}

// ---------------------------------------------------------------------------------------------- variables

const datasourceVar = (): VariableModel => ({
  name: 'datasource',
  label: 'Prometheus',
  type: 'datasource',
  query: 'prometheus',
  hide: 0,
  refresh: 1,
});

const pgDatasourceVar = (): VariableModel => ({
  name: 'pgdatasource',
  label: 'PostgreSQL (hydra database)',
  type: 'datasource',
  query: 'grafana-postgresql-datasource',
  hide: 0,
  refresh: 1,
});

/** A Prometheus label_values() variable; multi-select with All (= `.*`) unless `single`. */
function labelVar(name: string, label: string, query: string, options: { single?: boolean } = {}): VariableModel {
  const multi = !options.single;
  return {
    name,
    label,
    type: 'query',
    datasource: PROM,
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    sort: 1,
    multi,
    includeAll: multi,
    ...(multi ? { allValue: '.*', current: { text: ['All'], value: ['$__all'] } } : {}),
    hide: 0,
  };
}

/**
 * Every scraped hydra process: the exporter's `target_info` carries the resource's service.name (`hydra` for the
 * hydra commands, `hydra-operator` for the operator), whatever instruments the process has recorded so far.
 */
/** (an open selector: close it with `}`) */
const HYDRA_TARGETS = 'target_info{service_name=~"hydra|hydra-operator"';

/** The target labels Prometheus adds (self-monitoring): `namespace` only in Kubernetes. */
const targetVars = (): VariableModel[] => [
  labelVar('namespace', 'Namespace', `label_values(${HYDRA_TARGETS}}, namespace)`),
  labelVar('job', 'Job', `label_values(${HYDRA_TARGETS}, namespace=~"$namespace"}, job)`),
  labelVar('instance', 'Instance', `label_values(${HYDRA_TARGETS}, namespace=~"$namespace", job=~"$job"}, instance)`),
];
const TARGET = 'namespace=~"$namespace", job=~"$job", instance=~"$instance"';

/** namespace (monitor_namespace), monitor, metric and host of one analysis family. */
function analysisVars(family: string, single: boolean): VariableModel[] {
  return [
    labelVar('namespace', 'Namespace', `label_values(${family}, monitor_namespace)`),
    labelVar('monitor', 'Monitor', `label_values(${family}{monitor_namespace=~"$namespace"}, monitor)`, { single }),
    labelVar(
      'metric',
      'Metric',
      `label_values(${family}{monitor_namespace=~"$namespace", monitor=~"$monitor"}, metric)`,
      { single },
    ),
    labelVar(
      'host',
      'Host',
      `label_values(${family}{monitor_namespace=~"$namespace", monitor=~"$monitor", metric=~"$metric"}, host_name)`,
    ),
  ];
}
const SERIES = 'monitor_namespace=~"$namespace", monitor=~"$monitor", metric=~"$metric", host_name=~"$host"';

// ---------------------------------------------------------------------------------------------- panels

type Unit = 'short' | 'ops' | 'reqps' | 's' | 'percentunit' | 'none' | 'dateTimeAsIso';

interface PanelSpec {
  title: string;
  description?: string;
  unit?: Unit;
  w: number;
  h: number;
  min?: number;
  max?: number;
}

function prom(refId: string, expr: string, legendFormat?: string): PromTarget {
  return { refId, datasource: PROM, expr, ...(legendFormat ? { legendFormat } : {}), range: true };
}
function promInstantTable(refId: string, expr: string): PromTarget {
  return { refId, datasource: PROM, expr, instant: true, range: false, format: 'table' };
}
function sql(refId: string, rawSql: string, format: SqlTarget['format']): SqlTarget {
  return { refId, datasource: PG, rawSql, rawQuery: true, editorMode: 'code', format };
}

const legend = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] };
const tooltip = { mode: 'multi', sort: 'none' };

interface TimeseriesExtra {
  overrides?: NonNullable<Panel['fieldConfig']>['overrides'];
  /** a threshold drawn as a line (and area above it) */
  threshold?: number;
}

function timeseries(spec: PanelSpec, targets: PromTarget[] | SqlTarget[], extra: TimeseriesExtra = {}): Panel {
  const thresholds =
    extra.threshold === undefined
      ? {}
      : {
          thresholds: {
            mode: ThresholdsMode.Absolute,
            steps: [
              { value: null, color: 'green' },
              { value: extra.threshold, color: 'red' },
            ],
          },
        };
  return {
    type: 'timeseries',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: targets[0]!.datasource,
    gridPos: { x: 0, y: 0, w: spec.w, h: spec.h },
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        ...(spec.min !== undefined ? { min: spec.min } : {}),
        ...(spec.max !== undefined ? { max: spec.max } : {}),
        ...thresholds,
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: 10,
          showPoints: 'never',
          spanNulls: true,
          ...(extra.threshold === undefined ? {} : { thresholdsStyle: { mode: 'line+area' } }),
        },
      },
      overrides: extra.overrides ?? [],
    },
    options: { legend, tooltip },
    targets,
  };
}

function stat(spec: PanelSpec, target: PromTarget, thresholds?: Threshold[]): Panel {
  return {
    type: 'stat',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: target.datasource,
    gridPos: { x: 0, y: 0, w: spec.w, h: spec.h },
    fieldConfig: {
      defaults: {
        unit: spec.unit ?? 'short',
        thresholds: { mode: ThresholdsMode.Absolute, steps: thresholds ?? [{ value: null, color: 'green' }] },
      },
      overrides: [],
    },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
    targets: [target],
  };
}

/** A table of an instant query (or SQL); `hide` names columns left out (Time, __name__, job, instance …). */
function table(
  spec: PanelSpec,
  target: PromTarget | SqlTarget,
  hide: string[],
  rename: Record<string, string> = {},
): Panel {
  return {
    type: 'table',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: target.datasource,
    gridPos: { x: 0, y: 0, w: spec.w, h: spec.h },
    fieldConfig: { defaults: { unit: spec.unit ?? 'short' }, overrides: [] },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
    targets: [target],
    transformations: [
      {
        id: 'organize',
        options: {
          excludeByName: Object.fromEntries(hide.map((c) => [c, true])),
          renameByName: rename,
        },
      },
    ],
  };
}

function row(title: string, repeat?: string): RowPanel {
  return {
    type: 'row',
    title,
    collapsed: false,
    gridPos: { x: 0, y: 0, w: 24, h: 1 },
    id: 0, // set by layout()
    panels: [],
    ...(repeat ? { repeat } : {}),
  };
}

/** observed/expected (or value) lines with lower..upper filled between: legends must be exactly these names. */
function bandOverrides(main: string[]): NonNullable<Panel['fieldConfig']>['overrides'] {
  return [
    {
      matcher: { id: 'byName', options: 'upper' },
      properties: [
        { id: 'custom.fillBelowTo', value: 'lower' },
        { id: 'custom.fillOpacity', value: 20 },
        { id: 'custom.lineWidth', value: 0 },
        { id: 'color', value: { mode: 'fixed', fixedColor: 'blue' } },
      ],
    },
    {
      matcher: { id: 'byName', options: 'lower' },
      properties: [
        { id: 'custom.lineWidth', value: 0 },
        { id: 'custom.fillOpacity', value: 0 },
        { id: 'color', value: { mode: 'fixed', fixedColor: 'blue' } },
      ],
    },
    ...main.map((name, i) => ({
      matcher: { id: 'byName', options: name },
      properties: [
        { id: 'custom.fillOpacity', value: 0 },
        { id: 'custom.lineWidth', value: i === 0 ? 2 : 1 },
        ...(i > 0 ? [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }] : []),
        { id: 'color', value: { mode: 'fixed', fixedColor: i === 0 ? 'orange' : 'blue' } },
      ],
    })),
  ];
}

/**
 * Lays panels out on Grafana's 24-column grid left to right, wrapping rows; a row panel starts a new line.
 * Panel ids are assigned in order (unique per dashboard).
 */
function layout(panels: Array<Panel | RowPanel>): Array<Panel | RowPanel> {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((p, i) => {
    const pos = p.gridPos!;
    if (p.type === 'row' || x + pos.w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...p, id: i + 1, gridPos: { ...pos, x, y } };
    if (p.type === 'row') {
      y += pos.h;
    } else {
      x += pos.w;
      lineHeight = Math.max(lineHeight, pos.h);
    }
    return placed;
  });
}

function dashboard(
  uid: string,
  title: string,
  description: string,
  variables: VariableModel[],
  panels: Array<Panel | RowPanel>,
  time: { from: string; to: string } = { from: 'now-6h', to: 'now' },
): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['hydra'],
    timezone: 'utc',
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    time,
    templating: { list: variables },
    annotations: { list: [] },
    links: [
      {
        title: 'hydra',
        type: 'dashboards',
        tags: ['hydra'],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
      },
    ],
    panels: layout(panels),
  };
}

// ---------------------------------------------------------------------------------------------- dashboards

/**
 * Ingest, alerts and jobs at a glance. `$job`/`$instance` list the collectors' scrape targets and filter only the
 * ingest families (which collectors and `hydra up` export); the API's families (alerts, jobs) are not filtered by
 * them, or choosing a collector job would empty those panels.
 */
function overview(): Dashboard {
  const MON = 'monitor_namespace=~"$namespace", monitor=~"$monitor"';
  const rate = (name: string) => `rate(${name}{job=~"$job", instance=~"$instance"}[$__rate_interval])`;
  const apiRate = (name: string) => `rate(${name}[$__rate_interval])`;
  return dashboard(
    'hydra-overview',
    'hydra overview',
    'Ingest, alerts and analysis jobs of hydra (Prometheus on hydra’s :9464 exports).',
    [
      datasourceVar(),
      labelVar('namespace', 'Namespace', 'label_values(hydra_analysis_last_run_timestamp_seconds, monitor_namespace)'),
      labelVar(
        'monitor',
        'Monitor',
        'label_values(hydra_analysis_last_run_timestamp_seconds{monitor_namespace=~"$namespace"}, monitor)',
      ),
      labelVar('job', 'Collector job', 'label_values(hydra_collector_points_received_total, job)'),
      labelVar(
        'instance',
        'Collector instance',
        'label_values(hydra_collector_points_received_total{job=~"$job"}, instance)',
      ),
    ],
    [
      row('Ingest'),
      stat(
        { title: 'Points received /s', unit: 'ops', w: 6, h: 4 },
        prom('A', `sum(${rate('hydra_collector_points_received_total')})`),
      ),
      stat(
        { title: 'Points written /s', unit: 'ops', w: 6, h: 4 },
        prom('A', `sum(${rate('hydra_collector_points_written_total')})`),
      ),
      stat(
        { title: 'Points rejected /s', unit: 'ops', w: 6, h: 4 },
        prom('A', `sum(${rate('hydra_collector_points_rejected_total')}) or vector(0)`),
        [
          { value: null, color: 'green' },
          { value: 0.001, color: 'orange' },
        ],
      ),
      stat(
        { title: 'Firing alerts', w: 6, h: 4 },
        prom('A', `sum(hydra_alerts_active{${MON}, state="firing"}) or vector(0)`),
        [
          { value: null, color: 'green' },
          { value: 1, color: 'red' },
        ],
      ),
      timeseries({ title: 'Points /s: received, written', unit: 'ops', w: 12, h: 8 }, [
        prom('A', `sum(${rate('hydra_collector_points_received_total')})`, 'received'),
        prom('B', `sum(${rate('hydra_collector_points_written_total')})`, 'written'),
        prom('C', `sum(${rate('hydra_collector_points_skipped_total')})`, 'skipped (no recorded value)'),
      ]),
      timeseries({ title: 'Points rejected /s by reason', unit: 'ops', w: 12, h: 8 }, [
        prom('A', `sum by (reason) (${rate('hydra_collector_points_rejected_total')})`, '{{reason}}'),
      ]),
      timeseries({ title: 'Collector requests /s by transport and status', unit: 'reqps', w: 12, h: 8 }, [
        prom('A', `sum by (transport, status) (${rate('hydra_collector_requests_total')})`, '{{transport}} {{status}}'),
      ]),
      timeseries({ title: 'Collector request duration p95', unit: 's', w: 12, h: 8 }, [
        prom(
          'A',
          `histogram_quantile(0.95, sum by (le, transport) (${rate('hydra_collector_request_duration_seconds_bucket')}))`,
          '{{transport}}',
        ),
      ]),
      row('Alerts'),
      timeseries({ title: 'Active alerts by severity and state', w: 8, h: 8 }, [
        prom('A', `sum by (severity, state) (hydra_alerts_active{${MON}})`, '{{severity}} {{state}}'),
      ]),
      timeseries({ title: 'Alert transitions /s', unit: 'ops', w: 8, h: 8 }, [
        prom('A', `sum by (state, kind) (${apiRate('hydra_alerts_transitions_total')})`, '{{kind}} → {{state}}'),
      ]),
      timeseries({ title: 'Notifications /s by outcome', unit: 'ops', w: 8, h: 8 }, [
        prom(
          'A',
          `sum by (notifier, outcome) (${apiRate('hydra_alerts_notifications_total')})`,
          '{{notifier}} {{outcome}}',
        ),
      ]),
      row('Analysis jobs'),
      timeseries(
        {
          title: 'Job runs /s by outcome',
          description:
            'Runs of the in-process scheduler, which only `hydra up` runs (`hydra api` schedules none; the Kubernetes CronJob pods are not scraped: see the last-result age). Labelled by `kind` (anomaly, forecast) and `outcome`.',
          unit: 'ops',
          w: 8,
          h: 8,
        },
        [prom('A', `sum by (kind, outcome) (${apiRate('hydra_jobs_runs_total')})`, '{{kind}} {{outcome}}')],
      ),
      timeseries(
        {
          title: 'Job duration p95',
          description: 'Per monitor, of the in-process scheduler of `hydra up` (as the runs panel).',
          unit: 's',
          w: 8,
          h: 8,
        },
        [
          prom(
            'A',
            `histogram_quantile(0.95, sum by (le, kind, monitor_namespace, monitor) (rate(hydra_jobs_duration_seconds_bucket{${MON}}[$__rate_interval])))`,
            '{{kind}} {{monitor_namespace}}/{{monitor}}',
          ),
        ],
      ),
      table(
        {
          title: 'Last committed result per monitor (age)',
          description:
            'Time since the newest committed result of each monitor’s anomaly and forecast job, from the database: covers every mode (hydra up, the Kubernetes CronJobs).',
          unit: 's',
          w: 8,
          h: 8,
        },
        promInstantTable(
          'A',
          `time() - max by (monitor_namespace, monitor, kind) (hydra_analysis_last_run_timestamp_seconds{${MON}})`,
        ),
        ['Time'],
        { Value: 'age', monitor_namespace: 'namespace' },
      ),
      jobHealthTable(MON),
    ],
  );
}

/**
 * Per monitor job (every mode: recorded in the database by each pass, exported by the API): consecutive failures,
 * time since the last success (empty while it never succeeded) and the last pass's duration, one row per
 * (namespace, monitor, kind); the failures cell turns red at HydraMonitorJobFailing's 3.
 */
function jobHealthTable(mon: string): Panel {
  const by = 'max by (monitor_namespace, monitor, kind)';
  const base = table(
    {
      title: 'Job health per monitor',
      description:
        'From the outcome each anomaly and forecast pass records in the database (analysis_job_status), so it covers every mode (hydra up, the Kubernetes CronJobs): failed passes in a row (HydraMonitorJobFailing at 3), time since the last successful pass (empty if none), and the last pass’s duration (HydraMonitorJobSlow above 240 s anomaly / 2400 s forecast). Jobs whose last pass ended more than a day ago are not listed.',
      w: 24,
      h: 8,
    },
    promInstantTable('A', `${by} (hydra_analysis_consecutive_failures{${mon}})`),
    ['Time'],
  );
  const column = (name: string, unit: string, steps?: Threshold[]) => ({
    matcher: { id: 'byName', options: name },
    properties: [
      { id: 'unit', value: unit },
      ...(steps
        ? [
            { id: 'thresholds', value: { mode: ThresholdsMode.Absolute, steps } },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
          ]
        : []),
    ],
  });
  return {
    ...base,
    targets: [
      promInstantTable('A', `${by} (hydra_analysis_consecutive_failures{${mon}})`),
      promInstantTable('B', `time() - ${by} (hydra_analysis_last_success_timestamp_seconds{${mon}})`),
      promInstantTable('C', `${by} (hydra_analysis_last_duration_seconds{${mon}})`),
    ],
    fieldConfig: {
      defaults: { unit: 'short' },
      overrides: [
        column('consecutive failures', 'short', [
          { value: null, color: 'green' },
          { value: 1, color: 'orange' },
          { value: 3, color: 'red' },
        ]),
        column('since last success', 's'),
        column('last duration', 's'),
      ],
    },
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true },
          renameByName: {
            monitor_namespace: 'namespace',
            'Value #A': 'consecutive failures',
            'Value #B': 'since last success',
            'Value #C': 'last duration',
          },
        },
      },
    ],
  };
}

/** Per series: observed vs expected with the band, the score, the most anomalous series. */
function anomalies(): Dashboard {
  const ns = 'monitor_namespace=~"$namespace"';
  return dashboard(
    'hydra-anomalies',
    'hydra anomalies',
    'Anomaly scores, expected values and bands of the series hydra’s monitors score (hydra_anomaly_* exports).',
    [datasourceVar(), ...analysisVars('hydra_anomaly_score', true)],
    [
      row('Now'),
      stat(
        { title: 'Anomalous series (score > 0.5)', w: 6, h: 8 },
        prom('A', `count(hydra_anomaly_score{${ns}} > 0.5) or vector(0)`),
        [
          { value: null, color: 'green' },
          { value: 1, color: 'red' },
        ],
      ),
      table(
        {
          title: 'Top 10 anomalous series',
          description: 'The ten highest latest scores in the selected namespaces, over every monitor.',
          w: 18,
          h: 8,
        },
        promInstantTable('A', `topk(10, hydra_anomaly_score{${ns}})`),
        ['Time', '__name__', 'job', 'instance', 'namespace', 'pod', 'service'],
        { Value: 'score', monitor_namespace: 'namespace' },
      ),
      row('$host', 'host'),
      timeseries(
        {
          title: 'Observed vs expected: $monitor $metric on $host',
          description: 'Observed value, expected value and the lower..upper band the detector allows.',
          w: 16,
          h: 9,
        },
        [
          prom('A', `hydra_anomaly_observed{${SERIES}}`, 'observed'),
          prom('B', `hydra_anomaly_expected{${SERIES}}`, 'expected'),
          prom('C', `hydra_anomaly_lower{${SERIES}}`, 'lower'),
          prom('D', `hydra_anomaly_upper{${SERIES}}`, 'upper'),
        ],
        { overrides: bandOverrides(['observed', 'expected']) },
      ),
      timeseries(
        { title: 'Anomaly score: $monitor $metric on $host', unit: 'none', w: 8, h: 9, min: 0, max: 1 },
        [prom('A', `hydra_anomaly_score{${SERIES}}`, 'score')],
        { threshold: 0.5 },
      ),
    ],
  );
}

/**
 * The variables go into the SQL as regular expressions in dollar-quoted literals, `~ $$\A(${host:regex})\Z$$`:
 * Grafana's `:regex` format escapes every regex metacharacter including `$` (but not `'`, so a single-quoted literal
 * could be closed by a label value), hence an escaped value never holds `$$` and cannot end the literal; `\A`/`\Z`
 * anchor without a `$` next to the closing `$$`. All is the allValue `.*`, which Grafana inserts unformatted.
 * docs/grafana.md says why not `:sqlstring` or a `regex` filter on the variables.
 *
 * FORECAST_CURVE_SQL: the stored curve of every selected forecast (PostgreSQL datasource): time = first_time +
 * (k-1) * step_ms.
 */
export const FORECAST_CURVE_SQL = `WITH f AS (
  SELECT f.*, m.name AS metric_name, coalesce(s.labels ->> 'host.name', '') AS host,
    CASE WHEN strpos(f.monitor, '/') > 0 THEN split_part(f.monitor, '/', 1) ELSE 'default' END AS monitor_namespace,
    regexp_replace(f.monitor, '^[^/]*/', '') AS monitor_name
  FROM forecast f
  JOIN series s ON s.id = f.series_id
  JOIN metric m ON m.id = s.metric_id
), points AS (
  SELECT f.first_time + (p.k - 1) * f.step_ms * interval '1 millisecond' AS "time",
    concat_ws(' ', f.monitor_name, f.host) AS metric, p.mean, p.lower, p.upper
  FROM f CROSS JOIN LATERAL unnest(f.mean, f.lower, f.upper) WITH ORDINALITY AS p(mean, lower, upper, k)
  WHERE f.monitor_namespace ~ $$\\A(\${namespace:regex})\\Z$$ AND f.monitor_name ~ $$\\A(\${monitor:regex})\\Z$$
    AND f.metric_name ~ $$\\A(\${metric:regex})\\Z$$ AND f.host ~ $$\\A(\${host:regex})\\Z$$
)
SELECT "time", metric, mean, lower, upper FROM points
WHERE $__timeFilter("time")
ORDER BY "time", metric`;

/** One row per stored forecast of the selection: when, which model, how far ahead, fit quality. */
export const FORECAST_TABLE_SQL = `SELECT
  CASE WHEN strpos(f.monitor, '/') > 0 THEN split_part(f.monitor, '/', 1) ELSE 'default' END AS namespace,
  regexp_replace(f.monitor, '^[^/]*/', '') AS monitor,
  m.name AS metric,
  coalesce(s.labels ->> 'host.name', '') AS host,
  f.model,
  f.created_at AS created,
  f.last_observed_time AS "last observed",
  f.last_value AS "last value",
  f.first_time + (cardinality(f.mean) - 1) * f.step_ms * interval '1 millisecond' AS "forecast until",
  f.mean[cardinality(f.mean)] AS "mean at end",
  f.holdout_mase AS "holdout MASE",
  f.baseline_mase AS "baseline MASE"
FROM forecast f
JOIN series s ON s.id = f.series_id
JOIN metric m ON m.id = s.metric_id
WHERE (CASE WHEN strpos(f.monitor, '/') > 0 THEN split_part(f.monitor, '/', 1) ELSE 'default' END) ~ $$\\A(\${namespace:regex})\\Z$$
  AND regexp_replace(f.monitor, '^[^/]*/', '') ~ $$\\A(\${monitor:regex})\\Z$$
  AND m.name ~ $$\\A(\${metric:regex})\\Z$$
  AND coalesce(s.labels ->> 'host.name', '') ~ $$\\A(\${host:regex})\\Z$$
ORDER BY f.created_at DESC
LIMIT 200`;

/** Forecast value and band at each horizon, time-to-threshold, and the stored curves from PostgreSQL. */
function forecasts(): Dashboard {
  const ttt = `hydra_forecast_time_to_threshold_seconds{monitor_namespace=~"$namespace", monitor=~"$monitor", host_name=~"$host"}`;
  const withHorizon = `${SERIES}, horizon=~"$horizon"`;
  const panels: Array<Panel | RowPanel> = [
    row('Time to threshold'),
    stat(
      {
        title: 'Soonest threshold crossing',
        description: 'Seconds until the forecast mean first crosses a monitor threshold (within the forecast horizon).',
        unit: 's',
        w: 6,
        h: 8,
      },
      prom('A', `min(${ttt})`),
      [
        { value: null, color: 'red' },
        { value: 3600, color: 'orange' },
        { value: 21600, color: 'green' },
      ],
    ),
    table(
      { title: 'Predicted threshold crossings', unit: 's', w: 18, h: 8 },
      promInstantTable('A', `sort(${ttt})`),
      ['Time', '__name__', 'job', 'instance', 'namespace', 'pod', 'service'],
      { Value: 'time to threshold', monitor_namespace: 'namespace' },
    ),
    row('$host', 'host'),
    timeseries(
      {
        title: 'Forecast $horizon ahead: $monitor $metric on $host',
        description:
          'The value the latest forecast expects $horizon from now, with its band; plotted at the time it was exported.',
        w: 24,
        h: 9,
      },
      [
        prom('A', `hydra_forecast_value{${withHorizon}}`, 'forecast'),
        prom('B', `hydra_forecast_lower{${withHorizon}}`, 'lower'),
        prom('C', `hydra_forecast_upper{${withHorizon}}`, 'upper'),
      ],
      { overrides: bandOverrides(['forecast']) },
    ),
    row('Stored forecasts (PostgreSQL)'),
    timeseries(
      {
        title: 'Stored forecast curves (mean, lower, upper)',
        description:
          'The full latest forecast of each selected series from hydra’s forecast table; widen the time range into the future to see all of it.',
        w: 24,
        h: 10,
      },
      [sql('A', FORECAST_CURVE_SQL, 'time_series')],
    ),
    table({ title: 'Stored forecasts', w: 24, h: 8 }, sql('A', FORECAST_TABLE_SQL, 'table'), []),
  ];
  return dashboard(
    'hydra-forecasts',
    'hydra forecasts',
    'Forecasts of the series hydra’s monitors forecast: value and band at each exported horizon, time to threshold, and the stored curves.',
    [
      datasourceVar(),
      pgDatasourceVar(),
      ...analysisVars('hydra_forecast_value', true),
      labelVar(
        'horizon',
        'Horizon',
        'label_values(hydra_forecast_value{monitor_namespace=~"$namespace", monitor=~"$monitor", metric=~"$metric"}, horizon)',
        { single: true },
      ),
    ],
    panels,
    { from: 'now-24h', to: 'now+24h' },
  );
}

/** hydra watching itself: collector, writer, database, API, exports, operator. */
function self(): Dashboard {
  const rate = (name: string, extra = '') => `rate(${name}{${TARGET}${extra}}[$__rate_interval])`;
  const p = (q: number, name: string, by: string) =>
    `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (${rate(name)}))`;

  return dashboard(
    'hydra-self',
    'hydra self-monitoring',
    'The health of hydra’s own processes: collector, storage writer, database, API, analysis exports and the operator.',
    [datasourceVar(), ...targetVars()],
    [
      row('Collector'),
      timeseries({ title: 'Points /s', unit: 'ops', w: 8, h: 8 }, [
        prom('A', `sum by (instance) (${rate('hydra_collector_points_received_total')})`, 'received {{instance}}'),
        prom('B', `sum by (instance) (${rate('hydra_collector_points_written_total')})`, 'written {{instance}}'),
        prom('C', `sum by (reason) (${rate('hydra_collector_points_rejected_total')})`, 'rejected {{reason}}'),
      ]),
      timeseries({ title: 'Requests /s by status', unit: 'reqps', w: 8, h: 8 }, [
        prom('A', `sum by (transport, status) (${rate('hydra_collector_requests_total')})`, '{{transport}} {{status}}'),
      ]),
      timeseries({ title: 'Request duration p50 / p95', unit: 's', w: 8, h: 8 }, [
        prom('A', p(0.5, 'hydra_collector_request_duration_seconds_bucket', ''), 'p50'),
        prom('B', p(0.95, 'hydra_collector_request_duration_seconds_bucket', ''), 'p95'),
      ]),
      row('Storage writer'),
      timeseries({ title: 'Batch duration p50 / p95 / p99', unit: 's', w: 8, h: 8 }, [
        prom('A', p(0.5, 'hydra_storage_writer_batch_duration_seconds_bucket', ''), 'p50'),
        prom('B', p(0.95, 'hydra_storage_writer_batch_duration_seconds_bucket', ''), 'p95'),
        prom('C', p(0.99, 'hydra_storage_writer_batch_duration_seconds_bucket', ''), 'p99'),
      ]),
      timeseries(
        {
          title: 'Queue rows / capacity',
          description:
            'Rows waiting for a batch over the writer’s capacity (HYDRA_WRITER_QUEUE_ROWS). Writes are refused at 100 %.',
          unit: 'percentunit',
          w: 8,
          h: 8,
          min: 0,
        },
        [
          prom(
            'A',
            `max by (instance) (hydra_storage_writer_queue_rows{${TARGET}}) / max by (instance) (hydra_storage_writer_queue_capacity{${TARGET}})`,
            '{{instance}}',
          ),
        ],
      ),
      timeseries({ title: 'Rows written /s by table', unit: 'ops', w: 8, h: 8 }, [
        prom('A', `sum by (table) (${rate('hydra_storage_writer_rows_total')})`, '{{table}}'),
      ]),
      timeseries({ title: 'Batches /s by outcome, failures, refused writes', unit: 'ops', w: 12, h: 8 }, [
        prom('A', `sum by (outcome) (${rate('hydra_storage_writer_batches_total')})`, 'batches {{outcome}}'),
        prom('B', `sum(${rate('hydra_storage_writer_failures_total')})`, 'failures'),
        prom('C', `sum by (reason) (${rate('hydra_storage_writer_refused_total')})`, 'refused {{reason}}'),
      ]),
      timeseries({ title: 'Database pool errors, series created / rejected, maintenance', unit: 'ops', w: 12, h: 8 }, [
        prom('A', `sum(${rate('hydra_storage_pool_errors_total')})`, 'pool errors'),
        prom('B', `sum(${rate('hydra_storage_series_created_total')})`, 'series created'),
        prom('C', `sum by (reason) (${rate('hydra_storage_series_rejected_total')})`, 'series rejected {{reason}}'),
        prom('D', `sum by (outcome) (${rate('hydra_storage_maintenance_runs_total')})`, 'maintenance {{outcome}}'),
      ]),
      row('API'),
      timeseries({ title: 'API requests /s by status', unit: 'reqps', w: 8, h: 8 }, [
        prom(
          'A',
          `sum by (http_response_status_code) (${rate('hydra_api_requests_total')})`,
          '{{http_response_status_code}}',
        ),
      ]),
      timeseries({ title: 'API 5xx /s', unit: 'reqps', w: 8, h: 8 }, [
        prom(
          'A',
          `sum by (http_route) (${rate('hydra_api_requests_total', ', http_response_status_code=~"5.."')}) or vector(0)`,
          '{{http_route}}',
        ),
      ]),
      timeseries({ title: 'API latency p95 by route', unit: 's', w: 8, h: 8 }, [
        prom('A', p(0.95, 'hydra_api_request_duration_seconds_bucket', 'http_route'), '{{http_route}}'),
      ]),
      row('Analysis exports'),
      timeseries(
        {
          title: 'Exported analysis series by family',
          description:
            'Series the analysis exporter published in its last refresh, those the cardinality cap (HYDRA_EXPORT_MAX_SERIES) left out, and failed refreshes.',
          w: 24,
          h: 8,
        },
        [
          prom('A', `sum by (family) (hydra_export_series{${TARGET}})`, '{{family}}'),
          prom('B', `sum by (family) (hydra_export_series_dropped{${TARGET}})`, 'dropped {{family}}'),
          prom('C', `sum(${rate('hydra_export_refresh_failures_total')})`, 'refresh failures /s'),
        ],
      ),
      row('Operator (Kubernetes)'),
      timeseries({ title: 'Reconciles /s by result', unit: 'ops', w: 6, h: 8 }, [
        prom('A', `sum by (result) (${rate('hydra_operator_reconcile_total')})`, '{{result}}'),
      ]),
      timeseries({ title: 'Reconcile duration p95', unit: 's', w: 6, h: 8 }, [
        prom('A', p(0.95, 'hydra_operator_reconcile_duration_seconds_bucket', 'result'), '{{result}}'),
      ]),
      timeseries({ title: 'Work queue depth and leader', w: 6, h: 8 }, [
        prom('A', `max by (instance) (hydra_operator_queue_depth{${TARGET}})`, 'queue {{instance}}'),
        prom('B', `max by (instance) (hydra_operator_leader{${TARGET}})`, 'leader {{instance}}'),
      ]),
      timeseries({ title: 'Kubernetes API requests /s', unit: 'reqps', w: 6, h: 8 }, [
        prom('A', `sum by (verb, code) (${rate('hydra_operator_api_requests_total')})`, '{{verb}} {{code}}'),
        prom('B', `sum by (resource) (${rate('hydra_operator_watch_restarts_total')})`, 'watch restarts {{resource}}'),
      ]),
    ],
  );
}

/** File name → dashboard, in the order the docs list them. */
export function dashboards(): Record<string, Dashboard> {
  return {
    'hydra-overview.json': overview(),
    'hydra-anomalies.json': anomalies(),
    'hydra-forecasts.json': forecasts(),
    'hydra-self.json': self(),
  };
}

/** The text of a dashboard file: JSON formatted by the repository's Prettier settings (so `format:check` passes). */
export async function render(file: string, d: Dashboard): Promise<string> {
  const target = path.join(DASHBOARD_DIR, file);
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(JSON.stringify(d), { ...options, filepath: target });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [file, d] of Object.entries(dashboards())) {
    await writeFile(path.join(DASHBOARD_DIR, file), await render(file, d));
    console.log(`wrote ${path.relative(process.cwd(), path.join(DASHBOARD_DIR, file))}`);
  }
}
