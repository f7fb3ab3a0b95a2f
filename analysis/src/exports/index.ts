/** The analysis results exported to Prometheus by the API process (see analysis-exporter.ts). */
export {
  AnalysisExporter,
  parseHorizons,
  prometheusName,
  FAMILIES as EXPORT_FAMILIES,
  DEFAULT_EXPORT_INTERVAL_MS,
  DEFAULT_EXPORT_MAX_SERIES,
  DEFAULT_EXPORT_MAX_AGE_MS,
  DEFAULT_EXPORT_HORIZONS,
  FORECAST_STALENESS_GRACE_MS,
  SHUTDOWN_REFRESH_WAIT_MS as EXPORT_SHUTDOWN_REFRESH_WAIT_MS,
  LAST_RUN_MAX_AGE_MS,
  MAX_EXPORT_SERIES,
  MAX_EXPORT_HORIZONS,
  type AnalysisExporterOptions,
  type ExportHorizon,
} from './analysis-exporter.ts';
export { seriesAttributes, sanitizeLabelName, monitorLabels, RESERVED_LABELS, COLLISION_PREFIX } from './labels.ts';
export { AnalysisMetricProducer, ANALYSIS_METRICS, gauge, type GaugeData } from './metric-producer.ts';
