/** @hydra/schema: the one HydraMonitor schema, its validator and the CRD generated from it. */
export * from './hydra-monitor.ts';
export * from './hydra-collector.ts';
export * from './duration.ts';
export type { Lifecycle } from './lifecycle.ts';
export { HOST_LABEL } from './labels.ts';
export { COLLECTOR_RULES, CROSS_FIELD_RULES, type CrossFieldRule } from './rules.ts';
export {
  validateMonitor,
  validateMonitorSpec,
  validateCollectorSpec,
  parseMonitor,
  parseMonitorSpec,
  formatErrors,
  MonitorValidationError,
  MAX_REPORTED_ERRORS,
  type FieldError,
  type ValidationResult,
} from './validate.ts';
export {
  buildCrd,
  buildCollectorCrd,
  buildOpenApiSchema,
  renderCrdYaml,
  renderCollectorCrdYaml,
  CRD_FILE,
  COLLECTOR_CRD_FILE,
  PRINTER_COLUMNS,
  COLLECTOR_PRINTER_COLUMNS,
} from './crd.ts';
export { parseMonitorsYaml, MAX_MONITORS_PER_FILE, type MonitorsFileOptions } from './monitors-file.ts';
export { alertPath, alertUrl, parseExternalUrl } from './links.ts';
