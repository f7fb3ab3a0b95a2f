export type {
  Detector,
  DetectorOptions,
  DetectionResult,
  Direction,
  OnlineDetector,
  PointResult,
  Sensitivity,
  SeriesInput,
  ValueDomain,
} from './types.ts';
export { ANOMALY_THRESHOLD, ANOMALY_CLEAR_THRESHOLD } from './types.ts';
export { resolveOptions, NAMED_SENSITIVITY, type ResolvedOptions } from './options.ts';
export { detect } from './detect.ts';
export { DETECTORS, DEFAULT_DETECTOR, getDetector } from './registry.ts';
export { rollingZScoreDetector } from './rolling-zscore.ts';
export { robustMadDetector } from './robust-mad.ts';
export { seasonalDetector, levelShiftDetector } from './seasonal.ts';
export { ensembleDetector } from './ensemble.ts';
export { AnomalyLikelihood, tailToScore, upperTail } from './anomaly-likelihood.ts';
export { valueDomainOf, clampToDomain, clampIntoDomain, type MetricShape } from './domain.ts';
export { isolationForestDetector } from './isolation-forest.ts';
export { IsolationForest, averagePathLength } from './isolation-forest-model.ts';
export { dominantPeriodMs } from './periodicity.ts';
export { DETECTOR_STATE_VERSION, DetectorStateError, detectorStateVersion } from './state.ts';
