/**
 * The HydraMonitor CustomResourceDefinition, generated from the TypeBox schema: a structural openAPIV3Schema
 * (defaults, enums, patterns, CEL rules from `rules.ts`), the status and scale subresources, printer columns and
 * selectable fields. `npm run gen:crd` writes it to k8s/crds/; a test fails when the checked-in file differs.
 */
import { stringify } from 'yaml';
import {
  API_GROUP,
  API_VERSION,
  HydraMonitorSpecSchema,
  HydraMonitorStatusSchema,
  KIND,
  PLURAL,
  SHORT_NAMES,
  SINGULAR,
} from './hydra-monitor.ts';
import {
  COLLECTOR_KIND,
  COLLECTOR_PLURAL,
  COLLECTOR_SHORT_NAMES,
  COLLECTOR_SINGULAR,
  HydraCollectorSpecSchema,
  HydraCollectorStatusSchema,
} from './hydra-collector.ts';
import { COLLECTOR_RULES, CROSS_FIELD_RULES, type CrossFieldRule } from './rules.ts';

/** Path of the checked-in CRD, relative to the repository root. */
export const CRD_FILE = 'k8s/crds/hydra.io_hydramonitors.yaml';
/** Path of the checked-in HydraCollector CRD, relative to the repository root. */
export const COLLECTOR_CRD_FILE = 'k8s/crds/hydra.io_hydracollectors.yaml';

type JsonSchema = Record<string, unknown>;

const READY = '.status.conditions[?(@.type=="Ready")]';

/** Printer columns of `kubectl get hydramonitors`. */
export const PRINTER_COLUMNS = [
  { name: 'Ready', type: 'string', jsonPath: `${READY}.status`, description: 'Ready condition' },
  { name: 'Reason', type: 'string', jsonPath: `${READY}.reason`, priority: 1 },
  { name: 'Metric', type: 'string', jsonPath: '.spec.selector.metric' },
  {
    name: 'Collector',
    type: 'string',
    jsonPath: '.status.collector.name',
    description: 'HydraCollector (namespace/name) the data arrives through, or dedicated',
  },
  {
    name: 'Endpoint',
    type: 'string',
    jsonPath: '.status.collector.endpoint',
    description: 'OTLP/gRPC endpoint for workloads',
    priority: 1,
  },
  {
    name: 'Replicas',
    type: 'string',
    jsonPath: '.status.collector.ready',
    description: 'ready/desired collector pods',
  },
  { name: 'Alerts', type: 'integer', jsonPath: '.status.activeAlerts', description: 'firing alerts' },
  { name: 'Last Analysis', type: 'date', jsonPath: '.status.lastAnalysisTime' },
  { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** Keywords of JSON Schema that Kubernetes' structural schemas reject or spell differently; handled below. */
function toStructural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStructural);
  if (schema === null || typeof schema !== 'object') return schema;
  const input = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === '$id' || key === '$schema') continue;
    if (key === 'default' || key === 'enum' || key.startsWith('x-kubernetes-')) out[key] = value;
    else if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, toStructural(v)]));
    } else if (key === 'patternProperties') {
      const entries = Object.values(value as JsonSchema);
      if (entries.length !== 1)
        throw new Error(`crd: patternProperties with ${entries.length} patterns cannot become additionalProperties`);
      out.additionalProperties = toStructural(entries[0]);
    } else if (key === 'required') {
      const props = (input.properties ?? {}) as Record<string, JsonSchema>;
      const required = (value as string[]).filter((name) => props[name]?.default === undefined);
      if (required.length > 0) out.required = required;
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === 'const') out.enum = [value];
    else out[key] = toStructural(value);
  }
  return out;
}

function nodeAt(root: JsonSchema, path: readonly string[]): JsonSchema {
  let node = root;
  for (const key of path) {
    let next = (node.properties as Record<string, JsonSchema> | undefined)?.[key];
    if (!next && node.type === 'array') next = (node.items as JsonSchema).properties?.[key as never];
    if (!next) throw new Error(`crd: rule path ${path.join('.')} does not exist in the schema`);
    node = next;
  }
  return node;
}

function withRules(root: JsonSchema, rules: readonly CrossFieldRule[]): JsonSchema {
  for (const rule of rules) {
    const node = nodeAt(root, rule.path);
    const list = (node['x-kubernetes-validations'] ??= []) as JsonSchema[];
    list.push({
      rule: rule.rule,
      message: rule.message,
      ...(rule.fieldPath && rule.celFieldPath !== false ? { fieldPath: rule.fieldPath } : {}),
    });
  }
  return root;
}

/** The openAPIV3Schema of the v1alpha1 version. */
export function buildOpenApiSchema(): JsonSchema {
  return withRules(
    {
      type: 'object',
      description: 'HydraMonitor: anomaly and forecast jobs and alerting for one metric selection',
      required: ['spec'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: toStructural(HydraMonitorSpecSchema),
        status: toStructural(HydraMonitorStatusSchema),
      },
    },
    CROSS_FIELD_RULES,
  );
}

/** What differs between hydra's CustomResourceDefinitions: names, schema, scale paths and columns. */
interface CrdParts {
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  schema: JsonSchema;
  /** the scale subresource's paths (`kubectl scale`) */
  scale: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath: string };
  printerColumns: readonly object[];
  selectableFields?: ReadonlyArray<{ jsonPath: string }>;
}

/** A namespaced hydra CustomResourceDefinition in API_GROUP/API_VERSION with the status and scale subresources. */
function customResourceDefinition(parts: CrdParts): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${parts.plural}.${API_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'hydra' } },
    spec: {
      group: API_GROUP,
      names: {
        kind: parts.kind,
        listKind: `${parts.kind}List`,
        plural: parts.plural,
        singular: parts.singular,
        shortNames: [...parts.shortNames],
        categories: ['hydra'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: parts.schema },
          subresources: { status: {}, scale: parts.scale },
          additionalPrinterColumns: parts.printerColumns,
          ...(parts.selectableFields ? { selectableFields: parts.selectableFields } : {}),
        },
      ],
    },
  };
}

/** The CustomResourceDefinition object. */
export function buildCrd(): JsonSchema {
  return customResourceDefinition({
    kind: KIND,
    plural: PLURAL,
    singular: SINGULAR,
    shortNames: SHORT_NAMES,
    schema: buildOpenApiSchema(),
    scale: {
      specReplicasPath: '.spec.collector.replicas',
      statusReplicasPath: '.status.collector.replicas',
      labelSelectorPath: '.status.collector.selector',
    },
    printerColumns: PRINTER_COLUMNS,
    selectableFields: [{ jsonPath: '.spec.selector.metric' }, { jsonPath: '.spec.paused' }],
  });
}

/** The CRD as the YAML text checked in at `CRD_FILE`. */
export function renderCrdYaml(): string {
  const header = '# Generated from schema/src/hydra-monitor.ts by `npm run gen:crd`. Do not edit by hand.\n';
  return header + stringify(buildCrd(), { lineWidth: 0, singleQuote: true });
}

/** Printer columns of `kubectl get hydracollectors`. */
export const COLLECTOR_PRINTER_COLUMNS = [
  { name: 'Ready', type: 'string', jsonPath: `${READY}.status`, description: 'Ready condition' },
  { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', description: 'OTLP/gRPC endpoint for workloads' },
  { name: 'Replicas', type: 'string', jsonPath: '.status.ready', description: 'ready/desired collector pods' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The HydraCollector CustomResourceDefinition. */
export function buildCollectorCrd(): JsonSchema {
  const schema = withRules(
    {
      type: 'object',
      description: 'HydraCollector: an OTLP collector fleet that HydraMonitors send their data through',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: { ...(toStructural(HydraCollectorSpecSchema) as JsonSchema), default: {} },
        status: toStructural(HydraCollectorStatusSchema),
      },
    },
    COLLECTOR_RULES,
  );
  return customResourceDefinition({
    kind: COLLECTOR_KIND,
    plural: COLLECTOR_PLURAL,
    singular: COLLECTOR_SINGULAR,
    shortNames: COLLECTOR_SHORT_NAMES,
    schema,
    scale: {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    },
    printerColumns: COLLECTOR_PRINTER_COLUMNS,
  });
}

/** The HydraCollector CRD as the YAML text checked in at `COLLECTOR_CRD_FILE`. */
export function renderCollectorCrdYaml(): string {
  const header = '# Generated from schema/src/hydra-collector.ts by `npm run gen:crd`. Do not edit by hand.\n';
  return header + stringify(buildCollectorCrd(), { lineWidth: 0, singleQuote: true });
}
