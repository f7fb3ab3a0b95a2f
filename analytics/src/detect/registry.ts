import { ensembleDetector } from './ensemble.ts';
import { isolationForestDetector } from './isolation-forest.ts';
import { robustMadDetector } from './robust-mad.ts';
import { rollingZScoreDetector } from './rolling-zscore.ts';
import { levelShiftDetector, seasonalDetector } from './seasonal.ts';
import type { Detector } from './types.ts';

/** Every detector, by name. */
export const DETECTORS: Readonly<Record<string, Detector>> = Object.freeze(
  Object.fromEntries(
    [
      rollingZScoreDetector,
      robustMadDetector,
      seasonalDetector,
      levelShiftDetector,
      isolationForestDetector,
      ensembleDetector,
    ].map((d) => [d.name, d]),
  ),
);

/**
 * The detector a new monitor gets and `hydra analyze` uses without
 * `--detector`: the one with the best windowed score on bench/anomaly that
 * is also general (see docs/anomaly-detection.md).
 */
export const DEFAULT_DETECTOR = 'ensemble';

/** The detector called `name`; throws a RangeError listing the known names otherwise. */
export function getDetector(name: string): Detector {
  const detector = DETECTORS[name];
  if (!detector) throw new RangeError(`unknown detector '${name}' (known: ${Object.keys(DETECTORS).join(', ')})`);
  return detector;
}
