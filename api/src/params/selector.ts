/**
 * The series selector every read route shares: `host` (→ the `host.name`
 * label, the OTel semantic convention) plus any number of `match` matchers.
 */
import type { LabelMatcher } from '@hydra/storage';
import { Errors, HOST_LABEL } from '@hydra/contract';
import type { QueryLimits } from '../limits.ts';
import { parseMatchers } from './matchers.ts';

/**
 * Matchers for `host` and `match`.
 * @throws ApiError invalid_parameter for a malformed matcher, a bad regex or too many matchers
 */
export function selectorMatchers(query: { host?: string; match?: string[] }, limits: QueryLimits): LabelMatcher[] {
  const matchers = parseMatchers('match', query.match ?? [], limits.maxRegexLength);
  if (query.host !== undefined) matchers.push({ name: HOST_LABEL, op: '=', value: query.host });
  if (matchers.length > limits.maxMatchers) {
    throw Errors.invalidParameter(
      'match',
      `at most ${limits.maxMatchers} matchers are allowed; got ${matchers.length}`,
    );
  }
  return matchers;
}
