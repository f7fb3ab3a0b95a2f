/**
 * Label matchers → SQL over `series s JOIN metric m`, Prometheus semantics:
 * `=` and `!=` compare the label's value, a missing label counting as '';
 * `=~` and `!~` are fully anchored RE2 regular expressions (checked by re2js,
 * evaluated by PostgreSQL's ARE: see regex.ts). `__name__` matches the
 * metric name. `=` on a non-empty value uses the GIN index (labels @> …).
 */
import { InvalidQueryError } from '../errors.ts';
import type { LabelMatcher } from '../types.ts';
import { matcherRegexProblem, postgresRegex } from './regex.ts';
import type { SqlParams } from './sql-params.ts';

/** The label that names the metric, as in Prometheus. */
export const METRIC_NAME_LABEL = '__name__';
const OPS = new Set(['=', '!=', '=~', '!~']);

export interface SeriesSelector {
  /** Exact metric name. */
  name?: string;
  matchers?: LabelMatcher[];
}

/** Throws InvalidQueryError naming the matcher and field at fault. */
export function validateMatchers(matchers: readonly LabelMatcher[]): void {
  matchers.forEach((m, i) => {
    if (typeof m?.name !== 'string' || m.name === '')
      throw new InvalidQueryError(`matchers[${i}].name`, 'must be a non-empty label name');
    if (!OPS.has(m.op))
      throw new InvalidQueryError(`matchers[${i}].op`, `'${String(m.op)}' is not one of =, !=, =~, !~`);
    if (typeof m.value !== 'string') throw new InvalidQueryError(`matchers[${i}].value`, 'must be a string');
    if (m.op === '=~' || m.op === '!~') {
      const problem = matcherRegexProblem(m.value);
      if (problem)
        throw new InvalidQueryError(
          `matchers[${i}].value`,
          `invalid regular expression for '${m.name}${m.op}"${m.value}"': ${problem}`,
        );
    }
  });
}

function matcherSql(m: LabelMatcher, p: SqlParams): string {
  const isName = m.name === METRIC_NAME_LABEL;
  if (m.op === '=' && !isName && m.value !== '')
    return `s.labels @> ${p.add(JSON.stringify({ [m.name]: m.value }))}::jsonb`;
  const value = isName ? 'm.name' : `coalesce(s.labels ->> ${p.add(m.name)}::text, '')`;
  switch (m.op) {
    case '=':
      return `${value} = ${p.add(m.value)}::text`;
    case '!=':
      return `${value} <> ${p.add(m.value)}::text`;
    case '=~':
    case '!~': {
      const re = postgresRegex(m.value);
      if (typeof re === 'string') throw new InvalidQueryError('matchers', re);
      const op = `${m.op === '!~' ? '!' : ''}~${re.caseInsensitive ? '*' : ''}`;
      return `${value} ${op} ('^(?:' || ${p.add(re.pattern)}::text || ')$')`;
    }
  }
}

/** The WHERE conditions (joined by AND, 'TRUE' when none) selecting series by name and matchers. */
export function selectorSql(selector: SeriesSelector, p: SqlParams): string {
  const conditions: string[] = [];
  if (selector.name !== undefined) {
    if (typeof selector.name !== 'string' || selector.name === '')
      throw new InvalidQueryError('name', 'must be a non-empty metric name');
    conditions.push(`m.name = ${p.add(selector.name)}::text`);
  }
  const matchers = selector.matchers ?? [];
  validateMatchers(matchers);
  for (const m of matchers) conditions.push(matcherSql(m, p));
  return conditions.length > 0 ? conditions.join(' AND ') : 'TRUE';
}
