/**
 * The series selector every read route shares: `host` (→ the `host.name`
 * label, the OTel semantic convention) plus any number of `match` matchers.
 */
import { Type } from 'typebox';
import type { LabelMatcher } from '@hydra/storage';
import { Errors } from '../errors.ts';
import type { QueryLimits } from '../limits.ts';
import { parseMatchers } from './matchers.ts';

/** The label the `host` parameter filters on. */
export const HOST_LABEL = 'host.name';

/** Longest metric name, label name or value accepted in a query parameter. */
export const MAX_PARAM_LENGTH = 2_048;

/** Querystring properties for the selector; spread into a route's querystring schema. */
export const selectorQuery = {
  host: Type.Optional(
    Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH, description: `value of the ${HOST_LABEL} label` }),
  ),
  match: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: MAX_PARAM_LENGTH }), {
      description: 'label matcher, repeatable: key="value", key!="value", key=~"regex", key!~"regex" (quotes optional)',
    }),
  ),
};

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
