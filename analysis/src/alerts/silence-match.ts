/**
 * Label matching for silences, with the Prometheus semantics the rest of
 * hydra uses: a missing label is the empty string, regular expressions are
 * fully anchored.
 */
import type { LabelMatcher } from '@hydra/storage';

/** Compiled regular expressions, bounded. */
const REGEX_CACHE_SIZE = 1_000;
const cache = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    if (cache.size >= REGEX_CACHE_SIZE) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** True when `labels` satisfy every matcher. */
export function matchesAll(matchers: readonly LabelMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => {
    const value = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
        return anchored(m.value).test(value);
      case '!~':
        return !anchored(m.value).test(value);
    }
  });
}
