/**
 * Discovery queries: series by selector, the metric catalogue, label names
 * and label values. Every result set is bounded by a limit.
 */
import type { Database } from '../database.ts';
import { InvalidQueryError } from '../errors.ts';
import type { LabelMatcher, Labels, MetricKind, Temporality } from '../types.ts';
import { METRIC_NAME_LABEL, selectorSql } from './matchers.ts';
import { runQuery } from './run.ts';
import { SqlParams } from './sql-params.ts';

export const DEFAULT_FIND_SERIES_LIMIT = 1_000;
export const MAX_FIND_SERIES_LIMIT = 100_000;
/** Most label names or values one call returns. */
export const MAX_LABEL_RESULTS = 10_000;

export interface SeriesInfo {
  id: number;
  metric: string;
  kind: MetricKind;
  unit: string;
  temporality: Temporality;
  monotonic: boolean;
  labels: Labels;
}

export interface MetricInfo {
  name: string;
  kind: MetricKind;
  unit: string;
  temporality: Temporality;
  monotonic: boolean;
  description: string;
  series: number;
}

interface SeriesRow {
  id: string;
  metric: string;
  kind: MetricKind;
  unit: string;
  temporality: Temporality;
  monotonic: boolean;
  labels: Labels;
}

/** Columns of SeriesInfo over `series s JOIN metric m`. */
export const SERIES_INFO_COLUMNS = 's.id, m.name AS metric, m.kind, m.unit, m.temporality, m.monotonic, s.labels';

export function toSeriesInfo(row: SeriesRow): SeriesInfo {
  return {
    id: Number(row.id),
    metric: row.metric,
    kind: row.kind,
    unit: row.unit,
    temporality: row.temporality,
    monotonic: row.monotonic,
    labels: row.labels,
  };
}

function checkCount(field: string, value: number | undefined, fallback: number, max: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new InvalidQueryError(field, `must be an integer from ${min} to ${max}, got ${value}`);
  return v;
}

/**
 * Series matching a metric name and/or label matchers, ordered by metric
 * name then id, paged by limit (default 1000) and offset.
 */
export async function findSeries(
  db: Database,
  q: { name?: string; matchers: LabelMatcher[]; limit?: number; offset?: number },
): Promise<SeriesInfo[]> {
  const limit = checkCount('limit', q.limit, DEFAULT_FIND_SERIES_LIMIT, MAX_FIND_SERIES_LIMIT);
  const offset = checkCount('offset', q.offset, 0, Number.MAX_SAFE_INTEGER, 0);
  const p = new SqlParams();
  const where = selectorSql(q, p);
  const rows = await runQuery<SeriesRow>(
    db,
    'findSeries',
    `SELECT ${SERIES_INFO_COLUMNS} FROM series s JOIN metric m ON m.id = s.metric_id
     WHERE ${where} ORDER BY m.name, s.id LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return rows.map(toSeriesInfo);
}

/** Every metric with its series count, ordered by name. */
export async function listMetrics(db: Database): Promise<MetricInfo[]> {
  const rows = await runQuery<Omit<MetricInfo, 'series'> & { series: string }>(
    db,
    'listMetrics',
    `SELECT m.name, m.kind, m.unit, m.temporality, m.monotonic, m.description,
            (SELECT count(*) FROM series s WHERE s.metric_id = m.id) AS series
     FROM metric m ORDER BY m.name, m.kind, m.unit, m.temporality, m.monotonic`,
    [],
  );
  return rows.map((r) => ({ ...r, series: Number(r.series) }));
}

/** Label names used by the selected series (all series when no selector), sorted; includes __name__. */
export async function labelNames(
  db: Database,
  q: { name?: string; matchers?: LabelMatcher[] } = {},
): Promise<string[]> {
  const p = new SqlParams();
  const where = selectorSql(q, p);
  const rows = await runQuery<{ k: string }>(
    db,
    'labelNames',
    `SELECT DISTINCT k FROM series s JOIN metric m ON m.id = s.metric_id, jsonb_object_keys(s.labels) AS k
     WHERE ${where} ORDER BY k LIMIT ${MAX_LABEL_RESULTS}`,
    p.values,
  );
  const names = rows.map((r) => r.k);
  const hasSeries = await runQuery<{ one: number }>(
    db,
    'labelNames',
    `SELECT 1 AS one FROM series s JOIN metric m ON m.id = s.metric_id WHERE ${where} LIMIT 1`,
    p.values,
  );
  if (hasSeries.length > 0) names.push(METRIC_NAME_LABEL);
  return names.sort();
}

/** Values of one label over the selected series, sorted; `__name__` lists metric names. */
export async function labelValues(
  db: Database,
  label: string,
  q: { name?: string; matchers?: LabelMatcher[] } = {},
): Promise<string[]> {
  if (typeof label !== 'string' || label === '') throw new InvalidQueryError('label', 'must be a non-empty label name');
  const p = new SqlParams();
  const where = selectorSql(q, p);
  const value = label === METRIC_NAME_LABEL ? 'm.name' : `s.labels ->> ${p.add(label)}::text`;
  const rows = await runQuery<{ v: string }>(
    db,
    'labelValues',
    `SELECT DISTINCT ${value} AS v FROM series s JOIN metric m ON m.id = s.metric_id
     WHERE ${where} AND ${value} IS NOT NULL ORDER BY v LIMIT ${MAX_LABEL_RESULTS}`,
    p.values,
  );
  return rows.map((r) => r.v);
}
