/**
 * Label matcher regular expressions with RE2 semantics (Prometheus's): refused where Prometheus refuses,
 * matched by the same engine in JavaScript, and translated for PostgreSQL only where ARE agrees.
 */
import { describe, expect, it } from 'vitest';
import { matcherRegexProblem, matchesRe2, postgresRegex, validateMatchers } from '@hydra/storage';

describe('RE2 label matcher patterns', () => {
  it('refuses lookarounds and backreferences, as Prometheus does', () => {
    expect(matcherRegexProblem('(?!web-1).*')).toBe('invalid or unsupported Perl syntax: `(?!`');
    expect(matcherRegexProblem('(?<=a)b')).toMatch(/^invalid named capture/);
    expect(matcherRegexProblem('(a)\\1')).toBe('invalid escape sequence: `\\1`');
    expect(() => validateMatchers([{ name: 'host.name', op: '=~', value: '(?!web-1).*' }])).toThrow(
      `invalid regular expression for 'host.name=~"(?!web-1).*"'`,
    );
  });

  it('matches fully anchored, with RE2 syntax JavaScript lacks', () => {
    expect(matchesRe2('web-.*', 'web-1')).toBe(true);
    expect(matchesRe2('web', 'web-1')).toBe(false);
    expect(matchesRe2('(?i)WEB-1', 'web-1')).toBe(true);
    expect(matchesRe2('\\pL+', 'héllo')).toBe(true);
    expect(matchesRe2('a|b', 'ab')).toBe(false);
  });

  it('hands PostgreSQL a leading (?i) as ~*, and refuses RE2 syntax ARE cannot run', () => {
    expect(postgresRegex('(?i)web-.*')).toEqual({ pattern: 'web-.*', caseInsensitive: true });
    expect(postgresRegex('web-[0-9]+')).toEqual({ pattern: 'web-[0-9]+', caseInsensitive: false });
    expect(postgresRegex('[(?]x')).toEqual({ pattern: '[(?]x', caseInsensitive: false });
    expect(postgresRegex('a(?i:b)')).toMatch(/flags other than a leading \(\?i\)/);
    expect(postgresRegex('\\pL')).toBe('the escape \\p is not supported in label matchers');
  });
});
