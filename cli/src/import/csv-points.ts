/**
 * The rules of `hydra import`'s CSV format, independent of I/O: the header
 * names the columns (timestamp, value and name required — name unless given
 * on the command line; host, type and unit optional; every other column is a
 * label), and each row becomes one point of one series or an error that
 * names the row, the column and the reason.
 */
import type { IngestSeries } from '@hydra/collector';
import type { Labels, MetricDescriptor } from '@hydra/storage';
import { parseTimestamp } from '../timestamps.ts';
import { HOST_LABEL } from '@hydra/schema';

const RESERVED = ['timestamp', 'value', 'name', 'host', 'type', 'unit'] as const;
const TYPES = ['gauge', 'counter'] as const;
export type ImportType = (typeof TYPES)[number];

export interface ImportDefaults {
  /** metric name for every row (the file then needs no name column) */
  name?: string;
  /** host.name for rows without a host column or with an empty one */
  host?: string;
}

/** Where each known column sits in a row; labels lists the extra columns. */
export interface ColumnLayout {
  timestamp: number;
  value: number;
  name: number | null;
  host: number | null;
  type: number | null;
  unit: number | null;
  labels: Array<{ name: string; index: number }>;
  width: number;
}

/** Reads the header row; throws an Error naming what is missing or duplicated. */
export function columnLayout(header: string[], defaults: ImportDefaults): ColumnLayout {
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const n of names) {
    if (n === '') throw new Error('header: a column has an empty name');
    if (seen.has(n.toLowerCase())) throw new Error(`header: column '${n}' appears twice`);
    seen.add(n.toLowerCase());
  }
  const find = (column: string): number | null => {
    const i = names.findIndex((n) => n.toLowerCase() === column);
    return i < 0 ? null : i;
  };
  const timestamp = find('timestamp');
  const value = find('value');
  const name = find('name');
  const missing = [
    timestamp === null ? 'timestamp' : null,
    value === null ? 'value' : null,
    name === null && !defaults.name ? 'name (or --name)' : null,
  ].filter((m): m is string => m !== null);
  if (missing.length > 0)
    throw new Error(
      `header: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${names.join(', ')})`,
    );
  return {
    timestamp: timestamp!,
    value: value!,
    name,
    host: find('host'),
    type: find('type'),
    unit: find('unit'),
    labels: names
      .map((n, index) => ({ name: n, index }))
      .filter((c) => !(RESERVED as readonly string[]).includes(c.name.toLowerCase())),
    width: names.length,
  };
}

export interface ParsedPoint {
  metric: MetricDescriptor;
  labels: Labels;
  timeUs: number;
  value: number;
}

/** One data row as a point, or an Error whose message says what is wrong (without the row number). */
export function parseRow(row: string[], layout: ColumnLayout, defaults: ImportDefaults): ParsedPoint | Error {
  if (row.length !== layout.width) return new Error(`has ${row.length} fields, the header has ${layout.width}`);
  const cell = (i: number | null) => (i === null ? '' : (row[i] ?? '').trim());

  const name = cell(layout.name) || defaults.name || '';
  if (name === '') return new Error('name is empty (add a name or pass --name)');
  const ms = parseTimestamp(cell(layout.timestamp));
  if (ms instanceof Error) return ms;
  const rawValue = cell(layout.value);
  const value = rawValue === '' ? NaN : Number(rawValue);
  if (!Number.isFinite(value)) return new Error(`value '${rawValue}' is not a number`);
  const type = (cell(layout.type) || 'gauge').toLowerCase();
  if (!(TYPES as readonly string[]).includes(type))
    return new Error(`type '${cell(layout.type)}' is not one of ${TYPES.join(', ')}`);
  if (type === 'counter' && value < 0) return new Error(`value ${value} is negative, a counter only grows`);

  const labels: Labels = {};
  for (const c of layout.labels) {
    const v = cell(c.index);
    if (v !== '') labels[c.name] = v;
  }
  const host = cell(layout.host) || defaults.host;
  if (host) labels[HOST_LABEL] = host;
  return {
    metric: descriptor(name, type as ImportType, cell(layout.unit)),
    labels,
    timeUs: Math.round(ms * 1000),
    value,
  };
}

function descriptor(name: string, type: ImportType, unit: string): MetricDescriptor {
  return type === 'counter'
    ? { name, kind: 'sum', unit, temporality: 'cumulative', monotonic: true }
    : { name, kind: 'gauge', unit, temporality: 'unspecified', monotonic: false };
}

/** Groups points by series into IngestSeries for one Ingestor call; bounded by the caller's flush size. */
export class SeriesBatch {
  private readonly bySeries = new Map<string, IngestSeries>();
  size = 0;

  add(p: ParsedPoint): void {
    const m = p.metric;
    const key = JSON.stringify([
      m.name,
      m.kind,
      m.unit,
      Object.entries(p.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ]);
    let s = this.bySeries.get(key);
    if (!s) {
      s = { ref: { metric: m, labels: p.labels }, samples: [], histograms: [], expHistograms: [] };
      this.bySeries.set(key, s);
    }
    s.samples.push({ timeUs: p.timeUs, value: p.value });
    this.size++;
  }

  /** The grouped series, emptying the batch. */
  take(): IngestSeries[] {
    const out = [...this.bySeries.values()];
    this.bySeries.clear();
    this.size = 0;
    return out;
  }
}
