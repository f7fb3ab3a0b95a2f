/**
 * An alert's explanation (the analysis job's facts: observed, expected, band, score, forecast crossing…)
 * as rows for people: each fact named in words, numbers in the metric's unit or as scores, percentages,
 * durations and times; known facts in a fixed order, others after them.
 */
import { formatDateTime, formatDuration, formatValue } from '../../lib/format.ts';

type Format = 'value' | 'score' | 'percent' | 'time' | 'seconds' | 'error' | 'text';

/** Known facts in display order: label and how the value is formatted. */
const FACTS: readonly (readonly [key: string, label: string, format: Format])[] = [
  ['observed', 'observed', 'value'],
  ['lastValue', 'last value', 'value'],
  ['expected', 'expected', 'value'],
  ['lower', 'band low', 'value'],
  ['upper', 'band high', 'value'],
  ['threshold', 'threshold', 'value'],
  ['direction', 'direction', 'text'],
  ['score', 'anomaly score', 'score'],
  ['peakScore', 'peak score', 'score'],
  ['detector', 'detector', 'text'],
  ['at', 'scored at', 'time'],
  ['crossingAt', 'crosses at', 'time'],
  ['crossesInSeconds', 'crosses in', 'seconds'],
  ['estimate', 'estimated from', 'text'],
  ['level', 'forecast interval', 'percent'],
  ['model', 'forecast model', 'text'],
  ['modelDescription', 'model details', 'text'],
  ['holdoutMase', 'holdout error (MASE, below 1 beats the naive forecast)', 'error'],
  ['lastObservedAt', 'last observed', 'time'],
  ['horizonEnd', 'forecast until', 'time'],
  ['forecastCreatedAt', 'forecast made', 'time'],
  ['metric', 'metric', 'text'],
];
const KNOWN = new Map(FACTS.map(([k, label, format]) => [k, { label, format }]));
/** Facts shown elsewhere (the labels are the alert's own; crossings repeat crossingAt; values carry the unit). */
const HIDDEN = new Set(['labels', 'crossings', 'unit']);

export interface ExplanationRow {
  key: string;
  label: string;
  text: string;
}

/** `holdoutMase` → "holdout mase", `peak_score` → "peak score". */
export function words(key: string): string {
  return key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
}

function plainNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Number(n.toPrecision(4)).toString();
}

function format(value: unknown, how: Format, unit: string): string {
  if (value === null || value === undefined) return '—';
  if (how === 'time') {
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isFinite(ms) ? formatDateTime(ms) : String(value);
  }
  if (typeof value !== 'number') return String(value);
  switch (how) {
    case 'value':
      return formatValue(value, unit);
    case 'score':
      return value.toFixed(2);
    case 'percent':
      return `${plainNumber(value * 100)} %`;
    case 'seconds':
      return value <= 0 ? 'now' : formatDuration(value * 1000);
    case 'error':
      return value.toFixed(2);
    default:
      return plainNumber(value);
  }
}

/** The explanation's scalar facts as labelled, formatted rows. */
export function explanationRows(explanation: Record<string, unknown>): ExplanationRow[] {
  const unit = typeof explanation.unit === 'string' ? explanation.unit : '';
  const rows: ExplanationRow[] = [];
  for (const [key, label, how] of FACTS) {
    if (key in explanation) rows.push({ key, label, text: format(explanation[key], how, unit) });
  }
  for (const [key, value] of Object.entries(explanation)) {
    if (KNOWN.has(key) || HIDDEN.has(key) || (typeof value === 'object' && value !== null)) continue;
    const how: Format = /(At|Time)$/.test(key) ? 'time' : 'text';
    rows.push({ key, label: words(key), text: format(value, how, unit) });
  }
  return rows;
}
