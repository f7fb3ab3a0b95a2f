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
import { CROSS_FIELD_RULES } from './rules.ts';

/** Path of the checked-in CRD, relative to the repository root. */
export const CRD_FILE = 'k8s/crds/hydra.io_hydramonitors.yaml';

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
    jsonPath: '.status.collector.endpoint',
    description: 'OTLP/gRPC endpoint for workloads',
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

/** The openAPIV3Schema of the v1alpha1 version. */
export function buildOpenApiSchema(): JsonSchema {
  const root: JsonSchema = {
    type: 'object',
    description: 'HydraMonitor: a collector, anomaly and forecast jobs and alerting for one metric selection',
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toStructural(HydraMonitorSpecSchema),
      status: toStructural(HydraMonitorStatusSchema),
    },
  };
  for (const rule of CROSS_FIELD_RULES) {
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

/** The CustomResourceDefinition object. */
export function buildCrd(): JsonSchema {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${API_GROUP}`, labels: { 'app.kubernetes.io/part-of': 'hydra' } },
    spec: {
      group: API_GROUP,
      names: {
        kind: KIND,
        listKind: `${KIND}List`,
        plural: PLURAL,
        singular: SINGULAR,
        shortNames: [...SHORT_NAMES],
        categories: ['hydra'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: buildOpenApiSchema() },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.collector.replicas',
              statusReplicasPath: '.status.collector.replicas',
              labelSelectorPath: '.status.collector.selector',
            },
          },
          additionalPrinterColumns: PRINTER_COLUMNS,
          selectableFields: [{ jsonPath: '.spec.selector.metric' }, { jsonPath: '.spec.paused' }],
        },
      ],
    },
  };
}

/** The CRD as the YAML text checked in at `CRD_FILE`. */
export function renderCrdYaml(): string {
  const header = '# Generated from schema/src/hydra-monitor.ts by `npm run gen:crd`. Do not edit by hand.\n';
  return header + stringify(buildCrd(), { lineWidth: 0, singleQuote: true });
}
