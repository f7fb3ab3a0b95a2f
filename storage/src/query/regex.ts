/**
 * Regular expressions of label matchers (`=~`, `!~`), with RE2 semantics as in Prometheus: a pattern is
 * checked by re2js (Go's RE2 ported to JavaScript), so what Prometheus refuses — lookarounds `(?!…)`,
 * backreferences `\1` — is refused here too, and fully anchored (`^(?:…)$`). JavaScript evaluation (silences)
 * runs the re2js program itself. SQL evaluation runs PostgreSQL's ARE, which agrees with RE2 on the syntax
 * both have; RE2 syntax ARE lacks is refused by {@link postgresRegex} with a reason (a leading `(?i)`, the
 * common case, becomes the case-insensitive operator `~*`).
 */
import { RE2JS } from 're2js';

/** Compiled patterns kept (bounded: cleared when full). */
const CACHE_SIZE = 1_000;
const cache = new Map<string, RE2JS>();

/** Why `pattern` is not an RE2 regular expression (re2js's message), or null when it is. */
export function re2Problem(pattern: string): string | null {
  try {
    anchoredRe2(pattern);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/** `pattern` compiled by re2js, anchored at both ends. @throws re2js's syntax error */
export function anchoredRe2(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(`^(?:${pattern})$`);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Whether `value` matches the whole of `pattern` (RE2). */
export function matchesRe2(pattern: string, value: string): boolean {
  return anchoredRe2(pattern).matches(value);
}

/** An RE2 pattern as PostgreSQL evaluates it: the pattern for `~` (or `~*` when case-insensitive). */
export interface PostgresRegex {
  pattern: string;
  caseInsensitive: boolean;
}

const LEADING_CASE_INSENSITIVE = '(?i)';
/** RE2 escapes ARE does not have: Unicode classes, quoting, end of text, any byte. */
const RE2_ONLY_ESCAPES = new Set(['p', 'P', 'Q', 'E', 'z', 'C']);

/**
 * `pattern` (already a valid RE2 pattern) for PostgreSQL, or the reason it cannot be evaluated there:
 * flags other than a leading `(?i)`, named groups and RE2-only escapes.
 */
export function postgresRegex(pattern: string): PostgresRegex | string {
  const caseInsensitive = pattern.startsWith(LEADING_CASE_INSENSITIVE);
  const body = caseInsensitive ? pattern.slice(LEADING_CASE_INSENSITIVE.length) : pattern;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      if (RE2_ONLY_ESCAPES.has(next)) return `the escape \\${next} is not supported in label matchers`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (body[i + 1] === '^') i++;
      if (body[i + 1] === ']') i++; // a literal ] first in a class
    } else if (c === '(' && body[i + 1] === '?' && body[i + 2] !== ':') {
      return `'${body.slice(i, i + 4)}…': flags other than a leading (?i) and named groups are not supported in label matchers`;
    }
  }
  return { pattern: body, caseInsensitive };
}

/** Why a matcher's pattern cannot be used (not RE2, or not evaluable in SQL), or null. */
export function matcherRegexProblem(pattern: string): string | null {
  const problem = re2Problem(pattern);
  if (problem) return problem;
  const pg = postgresRegex(pattern);
  return typeof pg === 'string' ? pg : null;
}
