export type {
  Detector,
  DetectorOptions,
  DetectionResult,
  Direction,
  OnlineDetector,
  PointResult,
  Sensitivity,
  SeriesInput,
} from './types.ts';
export { ANOMALY_THRESHOLD } from './types.ts';
export { resolveOptions, NAMED_SENSITIVITY, type ResolvedOptions } from './options.ts';
export { detect } from './detect.ts';
export { DETECTORS, DEFAULT_DETECTOR, getDetector } from './registry.ts';
export { rollingZScoreDetector } from './rolling-zscore.ts';
export { robustMadDetector } from './robust-mad.ts';
export { seasonalDetector, levelShiftDetector, ensembleDetector } from './seasonal.ts';
export { isolationForestDetector } from './isolation-forest.ts';
export { IsolationForest, averagePathLength } from './isolation-forest-model.ts';
export { dominantPeriodMs } from './periodicity.ts';
